#pragma once

// The daemon's configuration: one YAML file (configs/index-optimizer.yaml documents every key)
// plus INDEX_OPTIMIZER_<SECTION>_<KEY> environment overrides. Loading validates everything and
// throws `config_error` listing every problem at once, each naming the key and where it came from
// (file:line:column or the environment variable), so an operator fixes the file in one pass.
// docs/configuration.md is the reference for each key.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "auth/auth_types.hpp"
#include "config/config_values.hpp"
#include "config/endpoints.hpp"
#include "ops/logger.hpp"

namespace index_optimizer {

using config_duration = std::chrono::milliseconds;

// Declared in the same order as their names in config files (see to_string).
// log_level and log_format come from the logger, so the config and the logger share one enum.

struct http_config {
  std::string address = "127.0.0.1";  // IP literal to bind; loopback unless exposed on purpose
  int port = 8080;                    // 0 picks a free port (tests)
  int threads = 2;                    // Asio I/O threads
  std::uint64_t max_body_bytes = 1 << 20;
  std::uint64_t max_header_bytes = 16 << 10;
  config_duration read_timeout = std::chrono::seconds(10);  // to receive one whole request
  config_duration idle_timeout = std::chrono::seconds(60);  // keep-alive connection with no request
  config_duration request_timeout = std::chrono::seconds(30);  // time a handler may take
  int max_connections = 1024;
  // Of max_connections, slots that serve only auth.open_paths, so probes and scrapes get in while
  // every other slot is busy. At most half of max_connections (the default 8 shrinks to fit).
  int reserved_connections = 8;
  // Blocking pool for handlers (Redis, Qdrant calls). Its threads mostly wait: Redis pauses for
  // tens of milliseconds while ingestion's commit scripts run, and with a handful of threads a
  // few requests waiting out one pause held up the whole admin API (bench/admin_load.sh: GET
  // and PATCH throughput doubled from 4 threads to 16 under full-rate ingestion).
  int worker_threads = 16;

  bool operator==(const http_config&) const = default;
};

struct auth_config {
  std::vector<auth_key> keys;
  std::vector<std::string> open_paths = {"/healthz", "/readyz", "/metrics"};  // exact paths
  bool required = true;

  bool operator==(const auth_config&) const = default;
};

struct redis_config {
  std::string url = "redis://127.0.0.1:6379/0";  // secret-bearing: render with redact_redis_url
  std::string password_file;                     // the URL's password or this file, not both
  config_duration connect_timeout = std::chrono::seconds(2);
  config_duration command_timeout = std::chrono::seconds(5);
  std::string key_prefix = "io:";
  int pool_size = 16;  // one per HTTP worker thread, so no handler waits for a connection

  // Derived from url + password_file by the loader; matches the default url here so a
  // default-constructed config (tests) is usable as it is.
  redis_endpoint endpoint{"127.0.0.1", 6379, "", 0, "", ""};

  bool operator==(const redis_config&) const = default;
};

struct ingest_config {
  std::vector<std::string> streams = {"io:{events}"};
  std::string group = "index-optimizer";
  std::string consumer_name;  // empty in the file: the loader fills in <hostname>-<pid>
  int batch_size = 500;       // XREADGROUP COUNT
  config_duration block = std::chrono::seconds(2);  // XREADGROUP BLOCK; always finite
  config_duration commit_interval = std::chrono::milliseconds(500);
  int commit_max_events = 5000;
  config_duration reclaim_idle = std::chrono::seconds(60);  // XAUTOCLAIM min-idle-time
  std::string dead_letter_stream;                // empty: "<stream>:dead-letter" for each stream
  std::int64_t dead_letter_max_length = 100000;  // XADD MAXLEN ~; 0 = never trim
  std::uint64_t max_event_bytes = 64 << 10;
  int max_filter_depth = 32;
  int max_conditions = 1000;
  // Distinct fields per namespace (and stream) counted in the windows; fields past it are counted
  // together in the namespace's overflow entry (ingest/commit_script.hpp, "Field cap").
  int max_fields_per_namespace = 10000;
  // Events stamped further ahead than this are counted as read now (clamped), not dead-lettered.
  config_duration future_skew = std::chrono::seconds(60);

  bool operator==(const ingest_config&) const = default;
};

// The dead-letter stream for entries read from `stream`: the configured one, or `stream` +
// ":dead-letter" so it shares the stream's hash tag (Redis Cluster).
std::string dead_letter_stream_for(const ingest_config& ingest, std::string_view stream);

struct window_config {
  config_duration length = std::chrono::hours(24);  // decision window
  config_duration bucket = std::chrono::seconds(60);
  config_duration analytics_length = std::chrono::hours(7 * 24);
  config_duration analytics_bucket = std::chrono::hours(1);

  bool operator==(const window_config&) const = default;
};

struct optimizer_config {
  bool enabled = true;
  config_duration interval = std::chrono::hours(6);
  std::uint64_t threshold = 100;  // a field qualifies when its window count is strictly greater
  int max_indexes_per_run = 20;
  int max_indexes_per_namespace = 10;  // per run
  std::uint64_t max_points = 0;        // skip collections with more points; 0 = no limit
  bool dry_run = false;
  config_duration lease = std::chrono::seconds(60);
  config_duration history_retention = std::chrono::hours(21 * 24);
  std::vector<std::string> deny_fields;    // glob patterns (* and ?); deny wins over allow
  std::vector<std::string> allow_fields;   // glob patterns; empty = every field
  std::vector<std::string> tenant_fields;  // glob patterns; keyword/uuid indexes get is_tenant

  bool operator==(const optimizer_config&) const = default;
};

struct qdrant_config {
  std::string url;      // empty = catalog-only mode
  std::string api_key;  // secret; also filled from api_key_file
  std::string api_key_file;
  std::string ca_file;  // PEM bundle for https; empty = system trust store
  config_duration connect_timeout = std::chrono::seconds(5);
  config_duration request_timeout = std::chrono::seconds(30);
  config_duration index_timeout = std::chrono::minutes(10);  // waiting for one index build
  int max_retries = 3;
  // Threads that may wait on Qdrant at once (the bulkhead); more are refused at once with 503, so
  // a hanging Qdrant never holds every HTTP worker. 0: half of http.worker_threads, at least 1.
  int max_concurrent_requests = 0;
  // Consecutive attempts that timed out or failed to connect before the circuit breaker opens
  // and Qdrant calls are refused without being sent, for circuit_breaker_cooldown at a time.
  int circuit_breaker_failures = 5;
  config_duration circuit_breaker_cooldown = std::chrono::seconds(30);

  std::optional<qdrant_endpoint> endpoint;  // derived from url; nullopt = catalog-only
  // Derived: max_concurrent_requests, or half of http.worker_threads when that is 0. Matches the
  // defaults here so a default-constructed config (tests) is usable as it is.
  int concurrency_limit = 8;

  bool operator==(const qdrant_config&) const = default;
};

struct namespaces_config {
  std::string default_compute_tier = "shared";  // shared, dedicated_cpu or dedicated_gpu
  bool default_auto_create_indexes = false;     // Mixpeek's default for new namespaces
  int max_payload_indexes = 100;                // optimizer stops here; 0 = no limit

  bool operator==(const namespaces_config&) const = default;
};

struct logging_config {
  log_level level = log_level::info;
  log_format format = log_format::logfmt;

  bool operator==(const logging_config&) const = default;
};

struct shutdown_config {
  config_duration drain_timeout = std::chrono::seconds(10);

  bool operator==(const shutdown_config&) const = default;
};

struct config {
  http_config http;
  auth_config auth;
  redis_config redis;
  ingest_config ingest;
  window_config window;
  optimizer_config optimizer;
  qdrant_config qdrant;
  namespaces_config namespaces;
  logging_config logging;
  shutdown_config shutdown;

  bool operator==(const config&) const = default;
};

// Thrown by the loaders. what() is every problem, one per line; problems() has them separately.
class config_error : public std::runtime_error {
 public:
  explicit config_error(std::vector<std::string> problems);
  const std::vector<std::string>& problems() const noexcept { return problems_; }

 private:
  std::vector<std::string> problems_;
};

// How a key's value is written. Lists accept a YAML sequence or, in the environment, a
// comma-separated string.
enum class value_kind {
  boolean,      // true / false
  integer,      // decimal integer
  size,         // bytes: 1048576 or "1MiB"
  duration,     // "500ms", "2s", "5m", "6h", "7d"
  string,       // text
  choice,       // one of a fixed set of words
  string_list,  // list of text
  key_list,     // list of {name, sha256, permissions}
};

std::string_view to_string(value_kind kind) noexcept;

// One configuration key. This list drives the loader (unknown-key detection, parsing, environment
// overrides), rendering, reload descriptions and the docs test, so none can drift from another.
struct key_info {
  std::string_view section;  // "http"
  std::string_view name;     // "port"
  value_kind kind;
  bool reloadable;                            // applied on SIGHUP without a restart
  bool secret;                                // never logged or rendered
  std::int64_t min;                           // integer/size/duration (ms) lower bound, inclusive
  std::int64_t max;                           // upper bound, inclusive
  std::span<const std::string_view> choices;  // for value_kind::choice
  std::string_view description;               // one line, for messages

  std::string path() const;                  // "http.port"
  std::string environment_variable() const;  // "INDEX_OPTIMIZER_HTTP_PORT"
};

std::span<const key_info> config_keys();

// The process environment as a map (reads `environ`).
std::map<std::string, std::string> environment_snapshot();

// One warning per INDEX_OPTIMIZER_* variable of `env` that the daemon ignores: it names no
// configuration section and is none of the variables main and the scripts read
// (docs/configuration.md). A variable of a known section that names no key is not here:
// load_config refuses it. Warnings name variables, never their values (they may be secrets).
std::vector<std::string> environment_warnings(const std::map<std::string, std::string>& env);

// Loads `path`, applies overrides from `env`, reads *_file secrets and validates. Relative *_file
// paths are resolved against the directory of `path`. Throws config_error.
config load_config(const std::filesystem::path& path,
                   const std::map<std::string, std::string>& env);

// The same for YAML text; `source_name` names it in messages. Relative *_file paths are resolved
// against the current directory.
config load_config_from_string(std::string_view yaml, std::string_view source_name,
                               const std::map<std::string, std::string>& env);

// The effective configuration as YAML that load_config accepts, with secrets shown as
// "<redacted>" (redis.url keeps everything but its password). For --check-config.
std::string render_effective_config(const config& cfg);

// Non-fatal advice for the operator to log at startup (e.g. auth disabled on a public address).
std::vector<std::string> config_warnings(const config& cfg);

// SIGHUP: one line per changed reloadable key ("optimizer.threshold: 100 -> 200"; auth.keys by
// name only; secrets never shown).
std::vector<std::string> describe_reload(const config& old_cfg, const config& new_cfg);

// Paths of changed keys that only take effect after a restart ("http.port").
std::vector<std::string> changed_restart_keys(const config& old_cfg, const config& new_cfg);

// Why a configuration that loads must still not replace the running one on SIGHUP (empty: it
// may). A reload is refused with these like with a load error: the running config stays.
std::vector<std::string> reload_problems(const config& next);

inline bool requires_restart(const config& old_cfg, const config& new_cfg) {
  return !changed_restart_keys(old_cfg, new_cfg).empty();
}

}  // namespace index_optimizer
