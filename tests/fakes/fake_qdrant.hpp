#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "fakes/qdrant_state.hpp"

namespace index_optimizer::testing {

// One request the fake received, in arrival order.
struct fake_qdrant_request {
  std::string method;
  std::string target;                          // raw: path + query, percent-encoded
  std::map<std::string, std::string> headers;  // lower-cased names
  std::string body;
  std::chrono::system_clock::time_point received_at;
  unsigned response_status = 0;  // 0: the fake dropped the connection without answering
  std::uint64_t connection = 0;  // the connection that carried it: 1, 2, ... in accept order
  std::string tls_server_name;   // SNI the client sent; empty over plain HTTP or without SNI

  std::string path() const { return target.substr(0, target.find('?')); }
};

// A scripted failure. The first rule matching a request (method and raw path prefix; empty =
// any) with `remaining` > 0 fires and counts down. Faults act before authentication and state:
// the request changes nothing, as if a proxy in front of Qdrant failed it.
struct fake_qdrant_fault {
  enum class action { respond, drop_connection };
  action what = action::respond;
  unsigned status = 500;
  std::string method;
  std::string path_prefix;
  unsigned remaining = 1;
  // Extra response headers. A 429 without Retry-After gets `Retry-After: 1`.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // empty: Qdrant's error envelope with a message naming the fault
};

// A fake Qdrant 1.19 REST server on loopback for tests: real sockets, real HTTP/1.1 (Beast),
// Qdrant's envelopes and validation for the endpoints the daemon uses, plus fault injection and
// a request log. One I/O thread serves every connection, so handlers never race each other;
// tests reach the state through the thread-safe accessors below. See tests/fakes/README.md.
class fake_qdrant {
 public:
  struct options {
    std::string address = "127.0.0.1";
    unsigned short port = 0;  // 0: an ephemeral port, read it back with port()
    std::string api_key;      // non-empty: requests need `api-key` or `Authorization: Bearer`
    std::vector<std::string> collections;                // created before the first request
    std::optional<std::size_t> max_payload_index_count;  // strict-mode cap for new collections
    std::string version = "1.19.0";
    // Both set: serve HTTPS (TLS 1.2+) with this PEM certificate chain (leaf first) and key.
    std::string tls_certificate_chain_pem;
    std::string tls_private_key_pem;
  };

  fake_qdrant();
  explicit fake_qdrant(options opts);
  ~fake_qdrant();
  fake_qdrant(const fake_qdrant&) = delete;
  fake_qdrant& operator=(const fake_qdrant&) = delete;

  unsigned short port() const { return port_; }
  const std::string& host() const { return options_.address; }
  std::string url() const;  // "http://127.0.0.1:PORT", or https:// in TLS mode
  bool tls() const { return !options_.tls_certificate_chain_pem.empty(); }
  // Closes the listener and every connection and joins the I/O thread. Idempotent.
  void stop();

  // --- state -------------------------------------------------------------------------------
  fake::qdrant_state& state() { return state_; }
  void create_collection(const std::string& name) { state_.create_collection(name); }
  bool has_collection(const std::string& name) const { return state_.has_collection(name); }
  void set_points_count(const std::string& collection, std::uint64_t points) {
    state_.set_points_count(collection, points);
  }
  // payload_schema of a collection exactly as GET /collections/{c} shows it.
  boost::json::object payload_schema(const std::string& collection) const {
    return state_.payload_schema(collection);
  }
  std::vector<std::string> index_fields(const std::string& collection) const {
    return state_.index_fields(collection);
  }

  // --- faults ------------------------------------------------------------------------------
  void add_fault(fake_qdrant_fault fault);
  // The next `count` requests matching method/path prefix get `status` (Qdrant error envelope).
  void fail_next(unsigned count, unsigned status, std::string method = {},
                 std::string path_prefix = {});
  // The next `count` matching requests are read, then the socket is closed without an answer.
  void drop_next(unsigned count, std::string method = {}, std::string path_prefix = {});
  // Every answer (and drop) waits this long after the request was processed: a client that
  // times out has still had its change applied, as with a slow real server.
  void set_response_delay(std::chrono::milliseconds delay);
  // Every request under /collections/{name} (GET, PUT, DELETE, index...) is answered with
  // `status` until cleared; 404 uses Qdrant's "doesn't exist" text.
  void fail_collection(const std::string& name, unsigned status);
  void clear_collection_failure(const std::string& name);
  void clear_faults();  // rules, collection failures and the delay

  // --- connections -------------------------------------------------------------------------
  std::uint64_t connections_accepted() const;
  std::size_t open_connections() const;
  // TLS handshakes that failed (a client that rejected the certificate, or spoke plain HTTP).
  std::uint64_t tls_handshake_failures() const;
  // Closes every open client connection now, as a server does with idle keep-alive connections;
  // returns once they are closed. The listener stays open.
  void close_connections();

  // --- request log -------------------------------------------------------------------------
  std::vector<fake_qdrant_request> requests() const;
  std::size_t count_requests(const std::string& method = {},
                             const std::string& path_prefix = {}) const;
  void clear_requests();

 private:
  class server;
  friend class server;

  struct outcome {
    bool drop = false;
    fake::http_exchange_response response;
    std::chrono::milliseconds delay{0};
  };
  // Called on the I/O thread for every complete request.
  outcome process(fake::http_exchange_request request, std::uint64_t connection,
                  const std::string& tls_server_name);
  std::optional<fake::http_exchange_response> injected_response(
      const fake::http_exchange_request& request, bool& drop);

  options options_;
  fake::qdrant_state state_;
  mutable std::mutex mutex_;  // guards the members below
  std::vector<fake_qdrant_fault> faults_;
  std::map<std::string, unsigned> collection_failures_;
  std::chrono::milliseconds delay_{0};
  std::vector<fake_qdrant_request> log_;

  unsigned short port_ = 0;
  std::unique_ptr<server> server_;
};

}  // namespace index_optimizer::testing
