#include "qdrant_client/qdrant_client.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/json/serialize.hpp>
#include <boost/system/system_error.hpp>

#include <random>
#include <stdexcept>
#include <thread>

#include "ops/logger.hpp"
#include "qdrant_client/qdrant_response.hpp"
#include "qdrant_client/qdrant_target.hpp"

namespace index_optimizer {
namespace {

namespace http = boost::beast::http;
namespace ssl = boost::asio::ssl;
namespace json = boost::json;
using qdrant::operation;

qdrant_endpoint endpoint_of(const qdrant_config& config) {
  if (config.endpoint) return *config.endpoint;
  if (config.url.empty()) {
    throw std::invalid_argument("qdrant.url is empty: there is no Qdrant to connect to");
  }
  auto parsed = parse_qdrant_url(config.url);
  if (!parsed) throw std::invalid_argument("qdrant.url: " + parsed.error);
  return std::move(*parsed.value);
}

std::unique_ptr<ssl::context> make_tls_context(const std::string& ca_file) {
  auto context = std::make_unique<ssl::context>(ssl::context::tls_client);
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  context->set_verify_mode(ssl::verify_peer);
  try {
    if (ca_file.empty()) {
      context->set_default_verify_paths();
    } else {
      context->load_verify_file(ca_file);
    }
  } catch (const boost::system::system_error& e) {
    throw std::runtime_error(
        (ca_file.empty() ? "cannot load the system's CA certificates"
                         : "qdrant.ca_file: cannot load CA certificates from \"" + ca_file + "\"") +
        ": " + e.code().message());
  }
  return context;
}

double unit_random() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

bool is_success(unsigned status) {
  return status >= 200 && status < 300;
}

// An answer in Qdrant's envelope whose `result` `parse_result` reads.
template <class T>
qdrant_result<T> parse_enveloped(const qdrant::http_response& response,
                                 qdrant_result<T> (*parse_result)(const json::value&)) {
  auto result = qdrant::parse_envelope(response.result_int(), response.body());
  if (!result) return result.error();
  return parse_result(result.value());
}

}  // namespace

qdrant_client::qdrant_client(const qdrant_config& config, prometheus::Registry* registry,
                             qdrant_client_options options)
    : endpoint_(endpoint_of(config)),
      api_key_(config.api_key),
      connect_timeout_(config.connect_timeout),
      request_timeout_(config.request_timeout),
      index_timeout_(config.index_timeout),
      max_retries_(static_cast<unsigned>(std::max(config.max_retries, 0))),
      options_(options),
      tls_(endpoint_.tls() ? make_tls_context(config.ca_file) : nullptr),
      metrics_(registry, static_cast<std::size_t>(std::max(config.concurrency_limit, 1))),
      bulkhead_(static_cast<std::size_t>(std::max(config.concurrency_limit, 1)),
                [this](int delta) { metrics_.change_places_in_use(delta); }),
      breaker_({static_cast<unsigned>(std::max(config.circuit_breaker_failures, 1)),
                config.circuit_breaker_cooldown}) {}

qdrant_client::~qdrant_client() = default;

std::size_t qdrant_client::idle_connections() const {
  std::lock_guard lock(mutex_);
  return idle_.size();
}

std::string qdrant_client::where() const {
  const bool v6 = endpoint_.host.find(':') != std::string::npos;
  return (v6 ? "[" + endpoint_.host + "]" : endpoint_.host) + ":" + std::to_string(endpoint_.port);
}

qdrant_error qdrant_client::circuit_open(std::chrono::milliseconds retry_after,
                                         std::string_view what) {
  metrics_.observe_rejection(qdrant_error::kind::circuit_open);
  qdrant_error error;
  error.what = qdrant_error::kind::circuit_open;
  error.request_sent = false;
  error.retry_after = std::chrono::ceil<std::chrono::seconds>(retry_after);
  error.message = "not sent: the circuit breaker for Qdrant at " + where() + " is open after " +
                  std::to_string(breaker_.policy().failure_threshold) +
                  " consecutive attempts timed out or failed to connect; next attempt in " +
                  std::to_string(error.retry_after->count()) + " s";
  if (const auto held = rejection_log_.admit()) {
    log_warn("qdrant call refused: circuit breaker open",
             {{"call", what}, {"retry_in_s", error.retry_after->count()}, {"suppressed", *held}});
  }
  return error;
}

qdrant_error qdrant_client::concurrency_limit(std::string_view what) {
  metrics_.observe_rejection(qdrant_error::kind::concurrency_limit);
  qdrant_error error;
  error.what = qdrant_error::kind::concurrency_limit;
  error.request_sent = false;
  error.retry_after = std::chrono::seconds(1);
  error.message = "not sent: " + std::to_string(bulkhead_.limit()) +
                  " callers already wait on Qdrant at " + where() +
                  " (qdrant.max_concurrent_requests)";
  if (const auto held = rejection_log_.admit()) {
    log_warn("qdrant call refused: qdrant.max_concurrent_requests callers already wait on qdrant",
             {{"call", what},
              {"limit", static_cast<std::int64_t>(bulkhead_.limit())},
              {"suppressed", *held}});
  }
  return error;
}

void qdrant_client::note(const std::optional<qdrant::circuit_transition>& transition) {
  if (!transition) return;
  metrics_.set_circuit_state(transition->to);
  const auto cooldown_ms = static_cast<std::int64_t>(breaker_.policy().cooldown.count());
  switch (transition->to) {
    case qdrant::circuit_state::open:
      log_error(
          "qdrant circuit breaker opened: calls are refused without being sent until a probe "
          "succeeds",
          {{"qdrant", where()},
           {"consecutive_failures", transition->failures},
           {"cooldown_ms", cooldown_ms},
           {"after", qdrant::to_string(transition->from)}});
      break;
    case qdrant::circuit_state::half_open:
      log_info("qdrant circuit breaker half-open: sending one probe", {{"qdrant", where()}});
      break;
    case qdrant::circuit_state::closed:
      log_info("qdrant circuit breaker closed: qdrant answers again", {{"qdrant", where()}});
      break;
  }
}

qdrant_result<qdrant_permit> qdrant_client::reserve() {
  if (const auto admission = breaker_.peek(std::chrono::steady_clock::now()); !admission.allowed) {
    return circuit_open(admission.retry_after, "reserve");
  }
  auto place = bulkhead_.try_enter();
  if (!place) return concurrency_limit("reserve");
  return std::move(*place);
}

qdrant_result<qdrant_version_info> qdrant_client::server_version() {
  const call c{operation::server_version, http::verb::get, "/", {}, request_timeout_, false};
  return run<qdrant_version_info>(c, [](const qdrant::http_response& response) {
    return qdrant::parse_version_info(response.result_int(), response.body());
  });
}

qdrant_result<qdrant_collection_info> qdrant_client::collection_info(std::string_view collection) {
  const call c{operation::collection_info,
               http::verb::get,
               qdrant::collection_target(collection),
               {},
               request_timeout_};
  return run<qdrant_collection_info>(c, [](const qdrant::http_response& response) {
    return parse_enveloped(response, qdrant::parse_collection_info);
  });
}

qdrant_result<qdrant_collection_info> qdrant_client::collection_info_once(
    std::string_view collection, std::chrono::milliseconds timeout) {
  call c{operation::collection_info,
         http::verb::get,
         qdrant::collection_target(collection),
         {},
         std::min(timeout, request_timeout_)};
  c.retried = false;
  c.connect_timeout = std::min(timeout, connect_timeout_);
  return run<qdrant_collection_info>(c, [](const qdrant::http_response& response) {
    return parse_enveloped(response, qdrant::parse_collection_info);
  });
}

qdrant_result<qdrant_update_result> qdrant_client::create_index(std::string_view collection,
                                                                std::string_view field_name,
                                                                const json::value& field_schema) {
  // Qdrant answers `wait_timeout` once index_timeout has passed; the transport waits a
  // request_timeout longer so that answer arrives instead of a client-side timeout.
  const auto wait = std::chrono::ceil<std::chrono::seconds>(index_timeout_);
  const json::object body{{"field_name", field_name}, {"field_schema", field_schema}};
  const call c{operation::create_index, http::verb::put,
               qdrant::create_index_target(collection, wait), json::serialize(body),
               index_timeout_ + request_timeout_};
  return run<qdrant_update_result>(c, [](const qdrant::http_response& response) {
    return parse_enveloped(response, qdrant::parse_update_result);
  });
}

qdrant_result<qdrant_update_result> qdrant_client::delete_index(std::string_view collection,
                                                                std::string_view field_name) {
  const call c{operation::delete_index,
               http::verb::delete_,
               qdrant::delete_index_target(collection, field_name),
               {},
               request_timeout_};
  return run<qdrant_update_result>(c, [](const qdrant::http_response& response) {
    return parse_enveloped(response, qdrant::parse_update_result);
  });
}

template <class T, class Parse>
qdrant_result<T> qdrant_client::run(const call& c, Parse&& parse) {
  // Nested (costs nothing) when this thread reserved a place for a sequence of calls.
  const auto place = bulkhead_.try_enter();
  if (!place) return concurrency_limit(qdrant::to_string(c.op));
  const auto started = std::chrono::steady_clock::now();
  auto answered = perform(c);
  if (!answered && answered.error().what == qdrant_error::kind::circuit_open) {
    return answered.error();  // refused before sending: counted as a rejection, not a call
  }
  qdrant_result<T> result = answered ? parse(answered.value()) : qdrant_result<T>(answered.error());
  metrics_.observe_call(c.op, qdrant::outcome_label(result ? nullptr : &result.error()),
                        seconds_since(started));
  return result;
}

qdrant_result<qdrant::http_response> qdrant_client::perform(const call& c) {
  const auto request = build_request(c);
  std::optional<qdrant_error> error;  // the previous attempt's
  for (unsigned retry = 0;; ++retry) {
    const auto admission = breaker_.admit(std::chrono::steady_clock::now());
    note(admission.transition);
    if (!admission.allowed) {
      if (!error) return circuit_open(admission.retry_after, qdrant::to_string(c.op));
      // Another caller's probe is out (half-open): report this call's own last failure.
      return std::move(*error);
    }
    const bool sent_before = error && error->request_sent;
    auto answered = attempt(request, c);
    // Only a target that cannot be reached or does not answer trips the breaker: any answer,
    // an error status included, shows it is there.
    const bool transport_failure =
        !answered && (answered.error().what == qdrant_error::kind::unreachable ||
                      answered.error().what == qdrant_error::kind::timeout);
    note(breaker_.record(transport_failure, admission.probe, std::chrono::steady_clock::now()));
    std::optional<std::chrono::seconds> retry_after;
    if (!answered) {
      error = answered.error();
    } else if (!is_success(answered.value().result_int())) {
      const auto& response = answered.value();
      error = qdrant::http_status_error(response.result_int(), response.body());
      if (const auto it = response.find(http::field::retry_after); it != response.end()) {
        retry_after = qdrant::parse_retry_after(it->value());
      }
    } else {
      return answered;
    }
    // An earlier attempt that may have reached Qdrant keeps the call's outcome open.
    error->request_sent = error->request_sent || sent_before;

    const bool retryable = qdrant::should_retry(c.op, *error);
    if (retryable && retry < (c.retried ? max_retries_ : 0U) &&
        breaker_.state() == qdrant::circuit_state::open) {
      // This call's failures (or others' meanwhile) opened the breaker: report the failure
      // instead of retrying into a target known to be failing.
      log_warn("qdrant call failed; not retried while the circuit breaker is open",
               {{"operation", qdrant::to_string(c.op)},
                {"attempts", retry + 1},
                {"error", to_string(error->what)},
                {"message", error->message}});
      return std::move(*error);
    }
    if (!retryable || retry >= (c.retried ? max_retries_ : 0U)) {
      if (retry > 0) {
        log_warn("qdrant call failed after retries", {{"operation", qdrant::to_string(c.op)},
                                                      {"attempts", retry + 1},
                                                      {"error", to_string(error->what)},
                                                      {"status", error->status},
                                                      {"message", error->message}});
      }
      return std::move(*error);
    }
    const auto delay = qdrant::retry_delay(options_.retry, retry + 1, retry_after, unit_random());
    log_warn("qdrant call failed, retrying", {{"operation", qdrant::to_string(c.op)},
                                              {"attempt", retry + 1},
                                              {"retry_in_ms", delay.count()},
                                              {"error", to_string(error->what)},
                                              {"status", error->status},
                                              {"message", error->message}});
    metrics_.observe_retry(c.op);
    std::this_thread::sleep_for(delay);
  }
}

qdrant_result<qdrant::http_response> qdrant_client::attempt(const qdrant::http_request& request,
                                                            const call& c) {
  const auto timeout = c.timeout;
  const auto connect_timeout = c.connect_timeout.count() > 0 ? c.connect_timeout : connect_timeout_;
  auto connection = take_idle();
  const bool reused = connection != nullptr;
  if (!reused) {
    auto opened = open_connection(connect_timeout);
    if (!opened) return opened.error();
    connection = std::move(opened.value());
  }
  auto outcome = connection->exchange(request, timeout, options_.max_response_bytes);
  // A server closes idle keep-alive connections whenever it likes (actix after 5 s), and the
  // close can cross our request on the wire. Nothing was answered, so nothing was done: send it
  // once more on a new connection, without counting a retry or waiting.
  if (outcome.error && reused && !outcome.response_started &&
      outcome.error->what == qdrant_error::kind::unreachable) {
    log_debug("reused qdrant connection was closed by the server; resending on a new one",
              {{"error", outcome.error->message}});
    auto opened = open_connection(connect_timeout);
    if (!opened) {
      // The request did go out on the reused connection: that it was not read is likely, not
      // certain.
      auto error = opened.error();
      error.request_sent = true;
      return error;
    }
    connection = std::move(opened.value());
    outcome = connection->exchange(request, timeout, options_.max_response_bytes);
  }
  if (outcome.error) return std::move(*outcome.error);
  if (connection->reusable()) give_back(std::move(connection));
  return std::move(outcome.response);
}

qdrant::http_request qdrant_client::build_request(const call& c) const {
  qdrant::http_request request{c.method, c.target, 11};
  request.set(http::field::host, qdrant::host_header(endpoint_));
  request.set(http::field::user_agent, "index-optimizer/" INDEX_OPTIMIZER_VERSION);
  request.set(http::field::accept, "application/json");
  if (c.authenticated && !api_key_.empty()) request.set("api-key", api_key_);
  if (!c.body.empty()) {
    request.set(http::field::content_type, "application/json");
    request.body() = c.body;
  }
  request.keep_alive(true);
  request.prepare_payload();
  return request;
}

std::unique_ptr<qdrant::qdrant_connection> qdrant_client::take_idle() {
  std::vector<std::unique_ptr<qdrant::qdrant_connection>> stale;  // closed after the unlock
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  while (!idle_.empty()) {
    auto connection = std::move(idle_.back());
    idle_.pop_back();
    if (now - connection->idle_since() > options_.max_idle_time || connection->closed_by_peer()) {
      stale.push_back(std::move(connection));
      continue;
    }
    return connection;
  }
  return nullptr;
}

qdrant_result<std::unique_ptr<qdrant::qdrant_connection>> qdrant_client::open_connection(
    std::chrono::milliseconds connect_timeout) {
  auto opened = qdrant::qdrant_connection::open(endpoint_, tls_.get(), connect_timeout);
  if (opened) metrics_.observe_connection_opened();
  return opened;
}

void qdrant_client::give_back(std::unique_ptr<qdrant::qdrant_connection> connection) {
  std::lock_guard lock(mutex_);
  // Beyond the cap, `connection` simply closes when it goes out of scope.
  if (idle_.size() < options_.max_idle_connections) idle_.push_back(std::move(connection));
}

std::unique_ptr<qdrant_gateway> make_qdrant_gateway(const qdrant_config& config,
                                                    prometheus::Registry* registry) {
  if (config.url.empty() && !config.endpoint) return nullptr;
  return std::make_unique<qdrant_client>(config, registry);
}

}  // namespace index_optimizer
