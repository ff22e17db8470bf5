// The Qdrant client over https:// against the fake Qdrant in TLS mode, with certificates made for
// each test: the peer is verified against qdrant.ca_file, the certificate must name the host,
// SNI is sent for DNS names, and handshakes are bounded by connect_timeout.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "fakes/fake_qdrant.hpp"
#include "qdrant_client/qdrant_client.hpp"
#include "support/process.hpp"
#include "support/silent_listener.hpp"
#include "support/test_certificates.hpp"

namespace index_optimizer::testing {
namespace {

using namespace std::chrono_literals;
using kind = qdrant_error::kind;

constexpr const char* k_api_key = "tls-test-key-31c0";

// A fake Qdrant serving HTTPS with a certificate for `alt_names`, the CA that signed it written
// to a file a client can be pointed at.
class tls_qdrant {
 public:
  explicit tls_qdrant(const std::vector<std::string>& alt_names)
      : certificates_(make_test_certificates(alt_names)),
        ca_file_(dir_.path() / "ca.pem"),
        qdrant_(options(certificates_)) {
    std::ofstream(ca_file_) << certificates_.ca_pem;
  }

  fake_qdrant& fake() { return qdrant_; }
  std::string ca_file() const { return ca_file_.string(); }

  qdrant_config config(const std::string& host) const {
    qdrant_config c;
    c.url = "https://" + host + ":" + std::to_string(qdrant_.port());
    c.api_key = k_api_key;
    c.ca_file = ca_file_.string();
    c.connect_timeout = 2s;
    c.request_timeout = 5s;
    c.max_retries = 2;
    return c;
  }

 private:
  static fake_qdrant::options options(const test_certificates& certificates) {
    fake_qdrant::options opts;
    opts.api_key = k_api_key;
    opts.collections = {"ns_a"};
    opts.tls_certificate_chain_pem = certificates.chain_pem;
    opts.tls_private_key_pem = certificates.private_key_pem;
    return opts;
  }

  test_certificates certificates_;
  temp_dir dir_;
  std::filesystem::path ca_file_;
  fake_qdrant qdrant_;
};

std::chrono::milliseconds since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               start);
}

TEST(QdrantClientTlsTest, VerifiesTheServerAgainstTheCaFile) {
  tls_qdrant server({"DNS:localhost", "IP:127.0.0.1"});
  qdrant_client client(server.config("127.0.0.1"));
  const auto version = client.server_version();
  ASSERT_TRUE(version.ok()) << version.error().message;
  EXPECT_EQ(version.value().version, "1.19.0");
  ASSERT_TRUE(client.create_index("ns_a", "a[].b", "keyword").ok());
  const auto info = client.collection_info("ns_a");
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_TRUE(info.value().payload_schema.contains("a[].b"));

  EXPECT_EQ(server.fake().url().rfind("https://", 0), 0u);
  EXPECT_EQ(server.fake().requests().at(1).headers.at("api-key"), k_api_key);
  // Keep-alive holds over TLS too: one handshake for every call.
  EXPECT_EQ(server.fake().connections_accepted(), 1u);
  EXPECT_EQ(server.fake().tls_handshake_failures(), 0u);
}

TEST(QdrantClientTlsTest, SendsTheHostNameAsSniAndChecksItAgainstTheCertificate) {
  tls_qdrant server({"DNS:localhost"});
  qdrant_client client(server.config("localhost"));
  const auto version = client.server_version();
  ASSERT_TRUE(version.ok()) << version.error().message;
  EXPECT_EQ(server.fake().requests().at(0).tls_server_name, "localhost");
  EXPECT_EQ(server.fake().requests().at(0).headers.at("host"),
            "localhost:" + std::to_string(server.fake().port()));
}

TEST(QdrantClientTlsTest, IpAddressesGetNoSniButMustBeInTheCertificate) {
  tls_qdrant server({"IP:127.0.0.1"});
  qdrant_client client(server.config("127.0.0.1"));
  ASSERT_TRUE(client.server_version().ok());
  // RFC 6066: a server name is a DNS name, never an address.
  EXPECT_EQ(server.fake().requests().at(0).tls_server_name, "");
}

TEST(QdrantClientTlsTest, WithoutTheCaFileTheCertificateIsUntrusted) {
  tls_qdrant server({"DNS:localhost", "IP:127.0.0.1"});
  auto config = server.config("127.0.0.1");
  config.ca_file.clear();  // the system store does not know the test CA
  qdrant_client client(config);
  const auto info = client.collection_info("ns_a");
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.error().what, kind::tls);
  EXPECT_NE(info.error().message.find("certificate verify failed"), std::string::npos)
      << info.error().message;
  // Not retried: trying again cannot make the certificate trusted. No request reached Qdrant.
  EXPECT_EQ(server.fake().connections_accepted(), 1u);
  EXPECT_EQ(server.fake().count_requests(), 0u);
}

TEST(QdrantClientTlsTest, ACertificateForAnotherHostIsRejected) {
  tls_qdrant server({"DNS:qdrant.example.com", "IP:10.1.2.3"});
  for (const std::string host : {"127.0.0.1", "localhost"}) {
    qdrant_client client(server.config(host));
    const auto version = client.server_version();
    ASSERT_FALSE(version.ok()) << host;
    EXPECT_EQ(version.error().what, kind::tls) << host;
    EXPECT_NE(version.error().message.find("mismatch"), std::string::npos)
        << host << ": " << version.error().message;
  }
  EXPECT_EQ(server.fake().count_requests(), 0u);
}

TEST(QdrantClientTlsTest, HttpsAgainstAPlainHttpServerFailsAsTls) {
  fake_qdrant plain;
  qdrant_config config;
  config.url = "https://127.0.0.1:" + std::to_string(plain.port());
  config.connect_timeout = 2s;
  qdrant_client client(config);
  const auto version = client.server_version();
  ASSERT_FALSE(version.ok());
  EXPECT_EQ(version.error().what, kind::tls);
}

TEST(QdrantClientTlsTest, AStalledHandshakeTimesOutWithinTheConnectTimeout) {
  silent_listener hung;
  qdrant_config config;
  config.url = "https://127.0.0.1:" + std::to_string(hung.port());
  config.connect_timeout = 300ms;
  config.max_retries = 0;
  qdrant_client client(config);
  const auto start = std::chrono::steady_clock::now();
  const auto version = client.server_version();
  ASSERT_FALSE(version.ok());
  EXPECT_EQ(version.error().what, kind::timeout);
  EXPECT_NE(version.error().message.find("TLS handshake"), std::string::npos)
      << version.error().message;
  EXPECT_GE(since(start), 300ms);
  EXPECT_LT(since(start), 2s);
}

TEST(QdrantClientTlsTest, ReconnectsOverTlsAfterTheServerClosedIdleConnections) {
  tls_qdrant server({"IP:127.0.0.1"});
  qdrant_client client(server.config("127.0.0.1"));
  ASSERT_TRUE(client.collection_info("ns_a").ok());
  server.fake().close_connections();
  const auto info = client.collection_info("ns_a");
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_EQ(server.fake().connections_accepted(), 2u);
}

}  // namespace
}  // namespace index_optimizer::testing
