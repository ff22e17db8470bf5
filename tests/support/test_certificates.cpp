#include "support/test_certificates.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <stdexcept>

namespace index_optimizer::testing {
namespace {

struct bio_free {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct pkey_free {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct x509_free {
  void operator()(X509* c) const { X509_free(c); }
};
using bio_ptr = std::unique_ptr<BIO, bio_free>;
using pkey_ptr = std::unique_ptr<EVP_PKEY, pkey_free>;
using x509_ptr = std::unique_ptr<X509, x509_free>;

[[noreturn]] void fail(const std::string& what) {
  char reason[256] = {};
  ERR_error_string_n(ERR_get_error(), reason, sizeof reason);
  throw std::runtime_error("test certificates: " + what + ": " + reason);
}

void check(int ok, const std::string& what) {
  if (ok != 1) fail(what);
}

pkey_ptr make_key() {
  // EVP_EC_gen is a macro with a C-style cast; this is what it expands to.
  pkey_ptr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (!key) fail("EC key generation");
  return key;
}

void add_extension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value.c_str());
  if (extension == nullptr) fail("extension " + value);
  const int added = X509_add_ext(cert, extension, -1);
  X509_EXTENSION_free(extension);
  check(added, "adding extension " + value);
}

// An unsigned certificate for `subject_cn` and `key`, issued by `issuer` (nullptr: self).
x509_ptr make_certificate(const std::string& subject_cn, EVP_PKEY* key, X509* issuer, long serial) {
  x509_ptr cert(X509_new());
  if (!cert) fail("X509_new");
  check(X509_set_version(cert.get(), 2), "version");
  check(ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial), "serial");
  if (X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) == nullptr) fail("notBefore");
  if (X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600) == nullptr) fail("notAfter");
  X509_NAME* name = X509_get_subject_name(cert.get());
  const auto* cn = reinterpret_cast<const unsigned char*>(subject_cn.c_str());
  check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, cn, -1, -1, 0), "subject");
  check(X509_set_issuer_name(cert.get(), issuer != nullptr ? X509_get_subject_name(issuer) : name),
        "issuer");
  check(X509_set_pubkey(cert.get(), key), "public key");
  return cert;
}

void sign(X509* cert, EVP_PKEY* key) {
  if (X509_sign(cert, key, EVP_sha256()) <= 0) fail("signing");
}

std::string drain(BIO* bio) {
  std::string text(BIO_ctrl_pending(bio), '\0');
  if (!text.empty() && BIO_read(bio, text.data(), static_cast<int>(text.size())) <= 0) {
    fail("reading PEM");
  }
  return text;
}

std::string to_pem(X509* cert) {
  bio_ptr bio(BIO_new(BIO_s_mem()));
  check(PEM_write_bio_X509(bio.get(), cert), "PEM certificate");
  return drain(bio.get());
}

std::string to_pem(EVP_PKEY* key) {
  bio_ptr bio(BIO_new(BIO_s_mem()));
  check(PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr), "PEM key");
  return drain(bio.get());
}

}  // namespace

test_certificates make_test_certificates(const std::vector<std::string>& subject_alt_names) {
  const auto ca_key = make_key();
  const auto ca = make_certificate("index-optimizer test CA", ca_key.get(), nullptr, 1);
  add_extension(ca.get(), ca.get(), NID_basic_constraints, "critical,CA:TRUE");
  add_extension(ca.get(), ca.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
  add_extension(ca.get(), ca.get(), NID_subject_key_identifier, "hash");
  sign(ca.get(), ca_key.get());

  std::string alt_names;
  for (const auto& name : subject_alt_names) {
    alt_names += (alt_names.empty() ? "" : ",") + name;
  }
  const auto server_key = make_key();
  const auto server = make_certificate("fake-qdrant", server_key.get(), ca.get(), 2);
  add_extension(server.get(), ca.get(), NID_basic_constraints, "critical,CA:FALSE");
  add_extension(server.get(), ca.get(), NID_key_usage, "critical,digitalSignature");
  add_extension(server.get(), ca.get(), NID_ext_key_usage, "serverAuth");
  if (!alt_names.empty()) {
    add_extension(server.get(), ca.get(), NID_subject_alt_name, alt_names);
  }
  add_extension(server.get(), ca.get(), NID_authority_key_identifier, "keyid:always");
  sign(server.get(), ca_key.get());

  test_certificates result;
  result.ca_pem = to_pem(ca.get());
  result.chain_pem = to_pem(server.get()) + result.ca_pem;
  result.private_key_pem = to_pem(server_key.get());
  return result;
}

}  // namespace index_optimizer::testing
