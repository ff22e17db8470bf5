#include "config/key_table.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <limits>
#include <stdexcept>
#include <type_traits>

namespace index_optimizer {
namespace config_detail {
namespace {

constexpr std::array<std::string_view, 5> k_log_levels{"trace", "debug", "info", "warn", "error"};
constexpr std::array<std::string_view, 2> k_log_formats{"logfmt", "json"};
constexpr std::array<std::string_view, 3> k_compute_tiers{"shared", "dedicated_cpu",
                                                          "dedicated_gpu"};

constexpr std::int64_t k_ms_per_s = 1000;
constexpr std::int64_t k_ms_per_min = 60 * k_ms_per_s;
constexpr std::int64_t k_ms_per_h = 60 * k_ms_per_min;
constexpr std::int64_t k_ms_per_d = 24 * k_ms_per_h;
constexpr std::int64_t k_kib = 1024;
constexpr std::int64_t k_mib = 1024 * k_kib;
constexpr std::int64_t k_int_max = std::numeric_limits<int>::max();

// What a key declares besides its name; the binding's section and name come from the member
// names themselves (see IO_CONFIG_KEY), so a key path always matches the struct.
struct key_spec {
  value_kind kind;
  bool reloadable = false;
  bool secret = false;
  std::int64_t min = 0;
  std::int64_t max = 0;
  std::span<const std::string_view> choices = {};
  std::string_view description;
};

template <typename T>
constexpr bool fits(value_kind kind) {
  switch (kind) {
    case value_kind::boolean:
      return std::is_same_v<T, bool>;
    case value_kind::integer:
    case value_kind::size:
      return std::is_integral_v<T> && !std::is_same_v<T, bool>;
    case value_kind::duration:
      return std::is_same_v<T, config_duration>;
    case value_kind::string:
      return std::is_same_v<T, std::string>;
    case value_kind::choice:
      return std::is_same_v<T, std::string> || std::is_enum_v<T>;
    case value_kind::string_list:
      return std::is_same_v<T, std::vector<std::string>>;
    case value_kind::key_list:
      return std::is_same_v<T, std::vector<auth_key>>;
  }
  return false;
}

std::size_t choice_index(const key_info& info, const std::string& word) {
  const auto it = std::find(info.choices.begin(), info.choices.end(), word);
  if (it == info.choices.end()) {
    throw std::logic_error("config: choice not validated before store: " + info.path());
  }
  return static_cast<std::size_t>(it - info.choices.begin());
}

template <auto section, auto member>
struct field_access {
  static auto& field(config& cfg) { return (cfg.*section).*member; }
  static const auto& field(const config& cfg) { return (cfg.*section).*member; }
  using type = std::remove_cvref_t<decltype(field(std::declval<config&>()))>;

  static void store(config& cfg, const key_info& info, config_value value) {
    auto& target = field(cfg);
    if constexpr (std::is_same_v<type, bool>) {
      target = std::get<bool>(value);
    } else if constexpr (std::is_enum_v<type>) {
      target = static_cast<type>(choice_index(info, std::get<std::string>(value)));
    } else if constexpr (std::is_integral_v<type>) {
      target = static_cast<type>(std::get<std::int64_t>(value));
    } else if constexpr (std::is_same_v<type, config_duration>) {
      target = std::get<config_duration>(value);
    } else if constexpr (std::is_same_v<type, std::string>) {
      target = std::move(std::get<std::string>(value));
    } else if constexpr (std::is_same_v<type, std::vector<std::string>>) {
      target = std::move(std::get<std::vector<std::string>>(value));
    } else {
      target = std::move(std::get<std::vector<auth_key>>(value));
    }
  }

  static config_value load(const config& cfg, const key_info& info) {
    const auto& source = field(cfg);
    if constexpr (std::is_same_v<type, bool>) {
      return source;
    } else if constexpr (std::is_enum_v<type>) {
      return std::string(info.choices[static_cast<std::size_t>(source)]);
    } else if constexpr (std::is_integral_v<type>) {
      return static_cast<std::int64_t>(source);
    } else {
      return source;
    }
  }
};

template <auto section, auto member>
constexpr key_binding make_binding(std::string_view section_name, std::string_view name,
                                   const key_spec& spec) {
  using access = field_access<section, member>;
  if (!fits<typename access::type>(spec.kind)) {
    throw std::logic_error("config key table: value_kind does not fit the member's type");
  }
  return key_binding{key_info{section_name, name, spec.kind, spec.reloadable, spec.secret, spec.min,
                              spec.max, spec.choices, spec.description},
                     &access::store, &access::load};
}

// Stringizing the member names is what keeps "http.port" and config::http.port the same thing.
#define IO_CONFIG_KEY(section, name, ...)                                           \
  make_binding<&config::section, &decltype(config::section)::name>(#section, #name, \
                                                                   key_spec __VA_ARGS__)

constexpr std::array k_bindings{
    // http
    IO_CONFIG_KEY(
        http, address,
        {.kind = value_kind::string, .description = "IP address the admin HTTP server binds"}),
    IO_CONFIG_KEY(http, port,
                  {.kind = value_kind::integer,
                   .min = 0,
                   .max = 65535,
                   .description = "TCP port of the admin HTTP server (0 = any free)"}),
    IO_CONFIG_KEY(http, threads,
                  {.kind = value_kind::integer,
                   .min = 1,
                   .max = 64,
                   .description = "I/O threads running the HTTP server"}),
    IO_CONFIG_KEY(http, max_body_bytes,
                  {.kind = value_kind::size,
                   .min = 1 * k_kib,
                   .max = 64 * k_mib,
                   .description = "largest request body accepted (larger: 413)"}),
    IO_CONFIG_KEY(http, max_header_bytes,
                  {.kind = value_kind::size,
                   .min = 1 * k_kib,
                   .max = 1 * k_mib,
                   .description = "largest request head (request line + headers) accepted"}),
    IO_CONFIG_KEY(http, read_timeout,
                  {.kind = value_kind::duration,
                   .min = 100,
                   .max = 10 * k_ms_per_min,
                   .description = "time to receive one complete request"}),
    IO_CONFIG_KEY(
        http, idle_timeout,
        {.kind = value_kind::duration,
         .min = 1 * k_ms_per_s,
         .max = 1 * k_ms_per_h,
         .description = "keep-alive connection closed after this long without a request"}),
    IO_CONFIG_KEY(http, request_timeout,
                  {.kind = value_kind::duration,
                   .min = 100,
                   .max = 10 * k_ms_per_min,
                   .description = "deadline after which a request that changed nothing gets 503"}),
    IO_CONFIG_KEY(http, max_connections,
                  {.kind = value_kind::integer,
                   .min = 1,
                   .max = 1000000,
                   .description = "open connections; idle ones are closed to admit new ones"}),
    IO_CONFIG_KEY(http, reserved_connections,
                  {.kind = value_kind::integer,
                   .min = 0,
                   .max = 500000,
                   .description = "of max_connections, slots serving only auth.open_paths"}),
    IO_CONFIG_KEY(http, worker_threads,
                  {.kind = value_kind::integer,
                   .min = 1,
                   .max = 256,
                   .description = "threads of the blocking pool that runs handlers"}),
    // auth
    IO_CONFIG_KEY(auth, keys,
                  {.kind = value_kind::key_list,
                   .reloadable = true,
                   .description = "API keys: name, SHA-256 of the key, permissions"}),
    IO_CONFIG_KEY(auth, open_paths,
                  {.kind = value_kind::string_list,
                   .description = "exact request paths served without a key"}),
    IO_CONFIG_KEY(
        auth, required,
        {.kind = value_kind::boolean, .description = "require a key for every other path"}),
    // redis
    IO_CONFIG_KEY(redis, url,
                  {.kind = value_kind::string,
                   .description = "redis://[:password@]host[:port][/db] or "
                                  "unix:///path[?db=N]"}),
    IO_CONFIG_KEY(redis, password_file,
                  {.kind = value_kind::string,
                   .description = "file holding the Redis password (instead of the URL's)"}),
    IO_CONFIG_KEY(redis, connect_timeout,
                  {.kind = value_kind::duration,
                   .min = 100,
                   .max = 5 * k_ms_per_min,
                   .description = "time to connect (and authenticate) to Redis"}),
    IO_CONFIG_KEY(redis, command_timeout,
                  {.kind = value_kind::duration,
                   .min = 100,
                   .max = 5 * k_ms_per_min,
                   .description = "time one Redis command may take (blocking reads add "
                                  "ingest.block)"}),
    IO_CONFIG_KEY(
        redis, key_prefix,
        {.kind = value_kind::string, .description = "prefix of every Redis key the daemon owns"}),
    IO_CONFIG_KEY(redis, pool_size,
                  {.kind = value_kind::integer,
                   .min = 1,
                   .max = 256,
                   .description = "Redis connections shared by HTTP handlers and the optimizer"}),
    // ingest
    IO_CONFIG_KEY(ingest, streams,
                  {.kind = value_kind::string_list,
                   .description = "Redis streams carrying filter-query events"}),
    IO_CONFIG_KEY(
        ingest, group,
        {.kind = value_kind::string, .description = "consumer group every instance joins"}),
    IO_CONFIG_KEY(ingest, consumer_name,
                  {.kind = value_kind::string,
                   .description = "this instance's consumer name (empty: <hostname>-<pid>)"}),
    IO_CONFIG_KEY(ingest, batch_size,
                  {.kind = value_kind::integer,
                   .min = 1,
                   .max = 100000,
                   .description = "entries per XREADGROUP"}),
    IO_CONFIG_KEY(ingest, block,
                  {.kind = value_kind::duration,
                   .min = 10,
                   .max = 5 * k_ms_per_min,
                   .description = "XREADGROUP BLOCK time when a stream is empty"}),
    IO_CONFIG_KEY(ingest, commit_interval,
                  {.kind = value_kind::duration,
                   .min = 1,
                   .max = 5 * k_ms_per_min,
                   .description = "longest time counted events wait before their commit"}),
    IO_CONFIG_KEY(ingest, commit_max_events,
                  {.kind = value_kind::integer,
                   .min = 1,
                   .max = 10000000,
                   .description = "commit early once this many entries are pending"}),
    IO_CONFIG_KEY(ingest, reclaim_idle,
                  {.kind = value_kind::duration,
                   .min = 1 * k_ms_per_s,
                   .max = 7 * k_ms_per_d,
                   .description = "entries pending this long on another consumer are reclaimed"}),
    IO_CONFIG_KEY(ingest, dead_letter_stream,
                  {.kind = value_kind::string,
                   .description = "stream for rejected entries (empty: <stream>:dead-letter)"}),
    IO_CONFIG_KEY(ingest, dead_letter_max_length,
                  {.kind = value_kind::integer,
                   .min = 0,
                   .max = 1000000000,
                   .description = "approximate cap on dead-letter stream length (0 = no cap)"}),
    IO_CONFIG_KEY(ingest, max_event_bytes,
                  {.kind = value_kind::size,
                   .min = 256,
                   .max = 64 * k_mib,
                   .description = "larger entries are dead-lettered"}),
    IO_CONFIG_KEY(ingest, max_filter_depth,
                  {.kind = value_kind::integer,
                   .min = 1,
                   .max = 1024,
                   .description = "deeper filters are dead-lettered"}),
    IO_CONFIG_KEY(ingest, max_conditions,
                  {.kind = value_kind::integer,
                   .min = 1,
                   .max = 1000000,
                   .description = "filters with more conditions are dead-lettered"}),
    IO_CONFIG_KEY(ingest, max_fields_per_namespace,
                  {.kind = value_kind::integer,
                   .min = 1,
                   .max = 1000000,
                   .description = "distinct fields a namespace's windows count separately; further "
                                  "new fields are counted in its overflow entry"}),
    IO_CONFIG_KEY(ingest, future_skew,
                  {.kind = value_kind::duration,
                   .min = 0,
                   .max = 7 * k_ms_per_d,
                   .description = "events stamped further in the future are counted as read now"}),
    // window
    IO_CONFIG_KEY(window, length,
                  {.kind = value_kind::duration,
                   .min = 1 * k_ms_per_min,
                   .max = 90 * k_ms_per_d,
                   .description = "decision window the optimizer counts over"}),
    IO_CONFIG_KEY(window, bucket,
                  {.kind = value_kind::duration,
                   .min = 1 * k_ms_per_s,
                   .max = 1 * k_ms_per_d,
                   .description = "bucket width of the decision window"}),
    IO_CONFIG_KEY(window, analytics_length,
                  {.kind = value_kind::duration,
                   .min = 1 * k_ms_per_min,
                   .max = 90 * k_ms_per_d,
                   .description = "window kept for the analytics API"}),
    IO_CONFIG_KEY(window, analytics_bucket,
                  {.kind = value_kind::duration,
                   .min = 1 * k_ms_per_s,
                   .max = 1 * k_ms_per_d,
                   .description = "bucket width of the analytics window"}),
    // optimizer
    IO_CONFIG_KEY(optimizer, enabled,
                  {.kind = value_kind::boolean,
                   .reloadable = true,
                   .description = "run the scheduled optimizer"}),
    IO_CONFIG_KEY(optimizer, interval,
                  {.kind = value_kind::duration,
                   .reloadable = true,
                   .min = 1 * k_ms_per_s,
                   .max = 30 * k_ms_per_d,
                   .description = "time between scheduled runs"}),
    IO_CONFIG_KEY(optimizer, threshold,
                  {.kind = value_kind::integer,
                   .reloadable = true,
                   .min = 0,
                   .max = std::numeric_limits<std::int64_t>::max(),
                   .description = "a field qualifies when its window count is above this"}),
    IO_CONFIG_KEY(optimizer, max_indexes_per_run,
                  {.kind = value_kind::integer,
                   .reloadable = true,
                   .min = 1,
                   .max = 10000,
                   .description = "indexes created per run, all namespaces together"}),
    IO_CONFIG_KEY(optimizer, max_indexes_per_namespace,
                  {.kind = value_kind::integer,
                   .reloadable = true,
                   .min = 1,
                   .max = 1000,
                   .description = "indexes created per namespace per run"}),
    IO_CONFIG_KEY(optimizer, max_points,
                  {.kind = value_kind::integer,
                   .reloadable = true,
                   .min = 0,
                   .max = std::numeric_limits<std::int64_t>::max(),
                   .description = "skip collections with more points (0 = no limit)"}),
    IO_CONFIG_KEY(optimizer, dry_run,
                  {.kind = value_kind::boolean,
                   .reloadable = true,
                   .description = "plan and record decisions without creating indexes"}),
    IO_CONFIG_KEY(optimizer, lease,
                  {.kind = value_kind::duration,
                   .reloadable = true,
                   .min = 1 * k_ms_per_s,
                   .max = 1 * k_ms_per_h,
                   .description = "leader lease time-to-live"}),
    IO_CONFIG_KEY(optimizer, history_retention,
                  {.kind = value_kind::duration,
                   .reloadable = true,
                   .min = 1 * k_ms_per_h,
                   .max = 3650 * k_ms_per_d,
                   .description = "run history older than this is deleted"}),
    IO_CONFIG_KEY(optimizer, deny_fields,
                  {.kind = value_kind::string_list,
                   .reloadable = true,
                   .description = "glob patterns of fields never indexed automatically"}),
    IO_CONFIG_KEY(optimizer, allow_fields,
                  {.kind = value_kind::string_list,
                   .reloadable = true,
                   .description = "glob patterns; when set, only matching fields are indexed"}),
    IO_CONFIG_KEY(optimizer, tenant_fields,
                  {.kind = value_kind::string_list,
                   .reloadable = true,
                   .description = "glob patterns of fields indexed with is_tenant: true"}),
    // qdrant
    IO_CONFIG_KEY(qdrant, url,
                  {.kind = value_kind::string,
                   .description = "Qdrant REST URL, http[s]://host[:port] (empty: catalog-only)"}),
    IO_CONFIG_KEY(qdrant, api_key,
                  {.kind = value_kind::string,
                   .secret = true,
                   .description = "Qdrant API key sent as the api-key header"}),
    IO_CONFIG_KEY(qdrant, api_key_file,
                  {.kind = value_kind::string, .description = "file holding the Qdrant API key"}),
    IO_CONFIG_KEY(qdrant, ca_file,
                  {.kind = value_kind::string,
                   .description = "PEM CA bundle for https (empty: system trust store)"}),
    IO_CONFIG_KEY(qdrant, connect_timeout,
                  {.kind = value_kind::duration,
                   .min = 100,
                   .max = 5 * k_ms_per_min,
                   .description = "time to connect (and TLS handshake) to Qdrant"}),
    IO_CONFIG_KEY(qdrant, request_timeout,
                  {.kind = value_kind::duration,
                   .min = 100,
                   .max = 1 * k_ms_per_h,
                   .description = "time one Qdrant request may take"}),
    IO_CONFIG_KEY(qdrant, index_timeout,
                  {.kind = value_kind::duration,
                   .min = 1 * k_ms_per_s,
                   .max = 1 * k_ms_per_d,
                   .description = "time one index build may take before it is reported failed"}),
    IO_CONFIG_KEY(qdrant, max_retries,
                  {.kind = value_kind::integer,
                   .min = 0,
                   .max = 100,
                   .description = "retries of a failed idempotent Qdrant request"}),
    IO_CONFIG_KEY(qdrant, max_concurrent_requests,
                  {.kind = value_kind::integer,
                   .min = 0,
                   .max = 256,
                   .description =
                       "threads that may wait on Qdrant at once (0: half of http.worker_threads)"}),
    IO_CONFIG_KEY(qdrant, circuit_breaker_failures,
                  {.kind = value_kind::integer,
                   .min = 1,
                   .max = 1000,
                   .description = "consecutive timed-out or failed connections that open the "
                                  "circuit breaker"}),
    IO_CONFIG_KEY(qdrant, circuit_breaker_cooldown,
                  {.kind = value_kind::duration,
                   .min = 1 * k_ms_per_s,
                   .max = 1 * k_ms_per_h,
                   .description = "time the circuit breaker refuses calls before a probe"}),
    // namespaces
    IO_CONFIG_KEY(namespaces, default_compute_tier,
                  {.kind = value_kind::choice,
                   .choices = k_compute_tiers,
                   .description = "compute_tier of namespaces created without one"}),
    IO_CONFIG_KEY(namespaces, default_auto_create_indexes,
                  {.kind = value_kind::boolean,
                   .description = "auto_create_indexes of namespaces created without it"}),
    IO_CONFIG_KEY(namespaces, max_payload_indexes,
                  {.kind = value_kind::integer,
                   .min = 0,
                   .max = k_int_max,
                   .description = "the optimizer adds no index beyond this many (0 = no limit)"}),
    // logging
    IO_CONFIG_KEY(logging, level,
                  {.kind = value_kind::choice,
                   .reloadable = true,
                   .choices = k_log_levels,
                   .description = "least severe level written"}),
    IO_CONFIG_KEY(
        logging, format,
        {.kind = value_kind::choice, .choices = k_log_formats, .description = "log line format"}),
    // shutdown
    IO_CONFIG_KEY(shutdown, drain_timeout,
                  {.kind = value_kind::duration,
                   .min = 0,
                   .max = 10 * k_ms_per_min,
                   .description = "time to finish in-flight work after SIGTERM"}),
};

#undef IO_CONFIG_KEY

constexpr std::size_t count_sections() {
  std::size_t count = 0;
  for (std::size_t i = 0; i < k_bindings.size(); ++i) {
    if (i == 0 || k_bindings[i].info.section != k_bindings[i - 1].info.section) ++count;
  }
  return count;
}

// Sections must be contiguous in the table so rendering and docs follow one order.
constexpr std::array<std::string_view, count_sections()> k_sections = [] {
  std::array<std::string_view, count_sections()> sections{};
  std::size_t n = 0;
  for (std::size_t i = 0; i < k_bindings.size(); ++i) {
    if (i == 0 || k_bindings[i].info.section != k_bindings[i - 1].info.section) {
      for (std::size_t j = 0; j < n; ++j) {
        if (sections[j] == k_bindings[i].info.section) {
          throw std::logic_error("config key table: a section's keys must be contiguous");
        }
      }
      sections[n++] = k_bindings[i].info.section;
    }
  }
  return sections;
}();

}  // namespace

std::span<const key_binding> key_bindings() {
  return k_bindings;
}

std::span<const std::string_view> section_names() {
  return k_sections;
}

const key_binding* find_binding(std::string_view section, std::string_view name) {
  for (const key_binding& binding : k_bindings) {
    if (binding.info.section == section && binding.info.name == name) return &binding;
  }
  return nullptr;
}

}  // namespace config_detail

std::string_view to_string(value_kind kind) noexcept {
  switch (kind) {
    case value_kind::boolean:
      return "boolean";
    case value_kind::integer:
      return "integer";
    case value_kind::size:
      return "size";
    case value_kind::duration:
      return "duration";
    case value_kind::string:
      return "string";
    case value_kind::choice:
      return "choice";
    case value_kind::string_list:
      return "list of strings";
    case value_kind::key_list:
      return "list of keys";
  }
  return "value";
}

std::string key_info::path() const {
  return std::string(section) + "." + std::string(name);
}

std::string key_info::environment_variable() const {
  std::string variable = "INDEX_OPTIMIZER_" + path();
  for (char& c : variable) {
    c = c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return variable;
}

std::span<const key_info> config_keys() {
  static const std::vector<key_info> keys = [] {
    std::vector<key_info> out;
    out.reserve(config_detail::k_bindings.size());
    for (const auto& binding : config_detail::k_bindings)
      out.push_back(binding.info);
    return out;
  }();
  return keys;
}

}  // namespace index_optimizer

namespace index_optimizer::config_detail {

std::string format_bound(const key_info& info, std::int64_t bound) {
  switch (info.kind) {
    case value_kind::size:
      return format_size(static_cast<std::uint64_t>(bound));
    case value_kind::duration:
      return format_duration(config_duration(bound));
    default:
      return std::to_string(bound);
  }
}

std::string format_value(const key_info& info, const config_value& value) {
  struct visitor {
    const key_info& info;
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(std::int64_t n) const { return format_bound(info, n); }
    std::string operator()(config_duration d) const { return format_duration(d); }
    std::string operator()(const std::string& s) const { return s; }
    std::string operator()(const std::vector<std::string>& list) const {
      std::string out = "[";
      for (std::size_t i = 0; i < list.size(); ++i)
        out += (i ? ", " : "") + list[i];
      return out + "]";
    }
    std::string operator()(const std::vector<auth_key>& keys) const {
      std::string out = "[";
      for (std::size_t i = 0; i < keys.size(); ++i)
        out += (i ? ", " : "") + keys[i].name;
      return out + "]";
    }
  };
  return std::visit(visitor{info}, value);
}

}  // namespace index_optimizer::config_detail
