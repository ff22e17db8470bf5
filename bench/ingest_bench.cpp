// End-to-end ingestion throughput against a real redis-server, next to the floor set by Redis
// itself: a bare consumer that only reads and acknowledges (XREADGROUP + XACK in batches).
//
//   ingest_bench [--events N] [--redis-url redis://host:port/db] [--commit-max-events N]
//                [--skip-bare] [--commandstats] [--verbose]
//
// Without --redis-url it starts its own redis-server (/usr/bin/redis-server) on a free port in a
// temporary directory. It fills one stream with N realistic filter-query events (default
// 1000000: both dialects and the `fields` form, 1-5 fields each, 10 namespaces, 200 fields),
// then drains it twice, each time with a fresh consumer group until lag and pending are zero:
// once with the bare consumer, once with ingest_service (decode, resolve, pre-aggregate, commit
// counts + XACK atomically). Prints both rates, their ratio and the process RSS. Keys are written
// under the prefix "bench:" and the stream "bench:{events}", and deleted at the end. The ingest
// config is the default one (ingest.commit_max_events 5000 unless --commit-max-events says
// otherwise); --verbose logs every commit's size. --skip-bare drains only with ingest_service (for
// profiling Redis or the client alone); --commandstats prints Redis' per-command time per event
// for the ingest phase (commands a script runs are listed too: their time is part of evalsha's).
// CPU per event is reported for the client process and for redis-server, so the figures mean
// something on a busy machine too. Not a timed test: run by hand (`ninja -C build ingest_bench &&
// build/bench/ingest_bench`).
//
//   ingest_bench --produce --redis-url URL --namespace NS [--namespace NS]... [--stream S]
//                [--group G] [--max-lag N] [--seconds S]
//
// Producer mode (bench/admin_load.sh): XADDs the same realistic events for the given namespaces
// (ids or names) to the stream (default io:{events}) as fast as Redis takes them, while the
// group's (default index-optimizer) lag is below --max-lag (default 50000), so a running daemon
// always has a backlog to count: ingestion at its full rate, without an unbounded stream. Runs
// until SIGTERM/SIGINT or --seconds, then prints what it produced.

#include <fcntl.h>
#include <netinet/in.h>
#include <prometheus/registry.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "config/config.hpp"
#include "config/endpoints.hpp"
#include "ingest/ingest_service.hpp"
#include "ops/logger.hpp"
#include "redis/redis_connection.hpp"
#include "window_store/window_store.hpp"

namespace {

using namespace index_optimizer;
using namespace std::chrono_literals;
using bench_clock = std::chrono::steady_clock;

const std::string k_prefix = "bench:";
const std::string k_stream = "bench:{events}";
constexpr std::size_t k_namespaces = 10;
constexpr std::size_t k_fields = 200;

[[noreturn]] void die(const std::string& message) {
  std::cerr << "ingest_bench: " << message << "\n";
  std::exit(1);
}

long rss_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  }
  return -1;
}

unsigned short free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    die("cannot find a free port");
  }
  const auto port = ntohs(address.sin_port);
  ::close(fd);
  return port;
}

// A private redis-server, killed when the benchmark ends.
class private_redis {
 public:
  private_redis() : port_(free_port()) {
    dir_ = std::filesystem::temp_directory_path() / ("ingest-bench-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    pid_ = ::fork();
    if (pid_ == 0) {
      const std::string port = std::to_string(port_);
      const std::string dir = dir_.string();
      const int devnull = ::open("/dev/null", O_WRONLY);
      ::dup2(devnull, STDOUT_FILENO);
      ::execl("/usr/bin/redis-server", "redis-server", "--port", port.c_str(), "--bind",
              "127.0.0.1", "--dir", dir.c_str(), "--save", "", "--appendonly", "no",
              static_cast<char*>(nullptr));
      _exit(127);
    }
  }
  ~private_redis() {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_) + "/0"; }

 private:
  unsigned short port_;
  std::filesystem::path dir_;
  pid_t pid_ = -1;
};

redis_connection connect(const redis_endpoint& endpoint) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto connected = redis_connection::connect(endpoint, 2s, 30s);
    if (connected) {
      auto pong = connected->command({"PING"});
      if (pong && pong->is_status("PONG")) return std::move(*connected);
    }
    std::this_thread::sleep_for(100ms);
  }
  die("redis at " + to_string(endpoint) + " does not answer");
}

redis_reply run(redis_connection& connection, std::initializer_list<std::string_view> argv) {
  auto reply = connection.command(argv);
  if (!reply) die(reply.error().message);
  if (reply->is_error()) die(reply->as_string());
  return std::move(*reply);
}

// One realistic condition on field `field` of the given dialect (0 Qdrant, 1 Mixpeek).
std::string condition(std::mt19937_64& random, std::size_t field, int dialect) {
  static const char* const k_words[] = {"shoes", "books", "music", "video", "news", "sports"};
  const std::string path = "metadata.attr_" + std::to_string(field);
  const std::string word = k_words[random() % 6];
  const auto number = std::to_string(random() % 1000);
  if (dialect == 0) {
    const std::string key = R"({"key": ")" + path + R"(", )";
    switch (field % 6) {
      case 0:
        return key + R"("match": {"value": ")" + word + R"("}})";
      case 1:
        return key + R"("range": {"gte": )" + number + R"(, "lte": )" +
               std::to_string(std::stoi(number) + 100) + "}}";
      case 2:
        return key + R"("range": {"gt": )" + number + ".5}}";
      case 3:
        return key + R"("match": {"any": [")" + word + R"(", "other", "third"]}})";
      case 4:
        return key + R"("match": {"text": "running )" + word + R"("}})";
      default:
        return key + R"("range": {"gte": "2024-01-01T00:00:00Z"}})";
    }
  }
  const std::string field_key = R"({"field": ")" + path + R"(", )";
  switch (field % 6) {
    case 0:
      return field_key + R"("operator": "eq", "value": ")" + word + R"("})";
    case 1:
      return field_key + R"("operator": "lte", "value": )" + number + "}";
    case 2:
      return field_key + R"("operator": "gt", "value": )" + number + ".25}";
    case 3:
      return field_key + R"("operator": "in", "value": [")" + word + R"(", "x"]})";
    case 4:
      return field_key + R"("operator": "text", "value": ")" + word + R"("})";
    default:
      return field_key + R"("operator": "exists"})";
  }
}

// `namespace_name(i)` names namespace i of `namespaces` (the fill's ids and names, or the
// producer's --namespace list).
template <class Namer>
std::vector<std::string> event(std::mt19937_64& random, std::size_t namespaces,
                               const Namer& namespace_name) {
  const std::size_t ns = random() % namespaces;
  const int form = static_cast<int>(random() % 10);  // 45% Qdrant, 45% Mixpeek, 10% fields
  const std::size_t count = 1 + random() % 5;
  std::vector<std::size_t> fields;
  while (fields.size() < count) {
    // Skewed: a few hot fields, a long tail, like real filter traffic.
    const std::size_t f = static_cast<std::size_t>(
        std::min<double>(k_fields - 1, std::exponential_distribution<>(1.0 / 30)(random)));
    if (std::find(fields.begin(), fields.end(), f) == fields.end()) fields.push_back(f);
  }
  std::string body;
  std::vector<std::string> entry{"namespace", namespace_name(ns)};
  if (form == 9) {
    for (const auto f : fields)
      body += (body.empty() ? "\"" : ", \"") + ("metadata.attr_" + std::to_string(f)) + "\"";
    entry.insert(entry.end(), {"fields", "[" + body + "]"});
  } else {
    const int dialect = form < 5 ? 0 : 1;
    for (const auto f : fields)
      body += (body.empty() ? "" : ", ") + condition(random, f, dialect);
    entry.insert(entry.end(), {"filter", dialect == 0 ? R"({"must": [)" + body + "]}"
                                                      : R"({"AND": [)" + body + "]}"});
  }
  if (random() % 10 != 0) {
    entry.insert(entry.end(), {"latency_ms", std::to_string(random() % 300) + "." +
                                                 std::to_string(random() % 10)});
  }
  return entry;
}

// The fill's namespaces: even ones by id, odd ones by name (both resolve).
std::string bench_namespace(std::size_t ns) {
  return ns % 2 == 0 ? "ns_bench" + std::to_string(ns) + "0000000" : "shop-" + std::to_string(ns);
}

void fill(redis_connection& connection, std::size_t events) {
  std::mt19937_64 random(2024);
  constexpr std::size_t k_chunk = 2000;
  for (std::size_t at = 0; at < events; at += k_chunk) {
    std::vector<redis_command> commands;
    for (std::size_t i = at; i < std::min(events, at + k_chunk); ++i) {
      redis_command command{"XADD", k_stream, "*"};
      for (auto& part : event(random, k_namespaces, bench_namespace))
        command.push_back(std::move(part));
      commands.push_back(std::move(command));
    }
    auto replies = connection.pipeline(commands);
    if (!replies) die(replies.error().message);
  }
}

// CPU seconds used so far by this process (every thread) and by the Redis server.
struct cpu_times {
  double client = 0;
  double redis = 0;
  double client_sys = 0;  // of `client`, in the kernel (socket reads and writes)
  double redis_sys = 0;
};

double info_number(const std::string& info, const std::string& key) {
  const auto at = info.find(key + ":");
  return at == std::string::npos ? 0 : std::strtod(info.c_str() + at + key.size() + 1, nullptr);
}

cpu_times cpu_now(redis_connection& connection) {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  const auto info = run(connection, {"INFO", "cpu"}).as_string();
  return {seconds(usage.ru_utime) + seconds(usage.ru_stime),
          info_number(info, "used_cpu_user") + info_number(info, "used_cpu_sys"),
          seconds(usage.ru_stime), info_number(info, "used_cpu_sys")};
}

void print_cpu(const std::string& what, const cpu_times& before, const cpu_times& after,
               std::size_t events) {
  const double n = static_cast<double>(events);
  std::cout << "  CPU per event (" << what << "): client "
            << (after.client - before.client) / n * 1e6 << " us ("
            << (after.client_sys - before.client_sys) / n * 1e6 << " in the kernel), redis "
            << (after.redis - before.redis) / n * 1e6 << " us ("
            << (after.redis_sys - before.redis_sys) / n * 1e6 << " in the kernel)\n";
}

// INFO commandstats since the last CONFIG RESETSTAT, as Redis time per event (wall time inside
// Redis: on a busy machine it includes preemption, so compare commands with each other).
void print_commandstats(redis_connection& connection, std::size_t events) {
  const auto info = run(connection, {"INFO", "commandstats"}).as_string();
  std::cout << "  redis commandstats (us per event, calls):\n";
  std::size_t at = 0;
  while ((at = info.find("cmdstat_", at)) != std::string::npos) {
    const auto end = info.find('\r', at);
    const std::string line = info.substr(at + 8, end - at - 8);
    at = end;
    const auto colon = line.find(':');
    const std::string name = line.substr(0, colon);
    if (name == "info" || name == "config" || name == "ping") continue;
    // name:calls=N,usec=N,usec_per_call=N,...
    const auto value = [&](const std::string& key) {
      const auto from = line.find(key + "=", colon);
      return from == std::string::npos ? 0.0
                                       : std::strtod(line.c_str() + from + key.size() + 1, nullptr);
    };
    const double usec = value(",usec");
    const double calls = value(":calls");
    std::cout << "    " << name << ": " << usec / static_cast<double>(events) << " us, "
              << static_cast<long>(calls) << " calls\n";
  }
}

struct group_state {
  long long pending = -1;
  long long lag = -1;
};

group_state read_group(redis_connection& connection, const std::string& group,
                       const std::string& stream = k_stream) {
  group_state state;
  const auto reply = run(connection, {"XINFO", "GROUPS", stream});
  for (const auto& g : reply.as_array()) {
    const auto& kv = g.as_array();
    bool ours = false;
    group_state here;
    for (std::size_t i = 0; i + 1 < kv.size(); i += 2) {
      const auto key = kv[i].to_optional_string();
      if (key == "name") ours = kv[i + 1].to_optional_string() == group;
      if (key == "pending") here.pending = kv[i + 1].to_integer().value_or(-1);
      if (key == "lag") here.lag = kv[i + 1].to_integer().value_or(-1);
    }
    if (ours) state = here;
  }
  return state;
}

void await_drained(redis_connection& connection, const std::string& group) {
  while (true) {
    const auto state = read_group(connection, group);
    if (state.pending == 0 && state.lag == 0) return;
    std::this_thread::sleep_for(10ms);
  }
}

// Reads and acknowledges in batches of `batch`, nothing else: what Redis and hiredis cost.
double bare_consumer(const redis_endpoint& endpoint, std::size_t events, int batch) {
  auto connection = connect(endpoint);
  run(connection, {"XGROUP", "CREATE", k_stream, "bare", "0"});
  const std::string count = std::to_string(batch);
  const auto started = bench_clock::now();
  std::size_t seen = 0;
  while (seen < events) {
    auto reply = run(connection, {"XREADGROUP", "GROUP", "bare", "bare-1", "COUNT", count, "BLOCK",
                                  "100", "STREAMS", k_stream, ">"});
    if (reply.is_nil()) continue;
    std::vector<std::string> ack{"XACK", k_stream, "bare"};
    for (const auto& entry : reply.as_array()[0].as_array()[1].as_array())
      ack.push_back(entry.as_array()[0].as_string());
    seen += ack.size() - 3;
    auto acked = connection.command(std::span<const std::string>(ack));
    if (!acked) die(acked.error().message);
  }
  await_drained(connection, "bare");
  return std::chrono::duration<double>(bench_clock::now() - started).count();
}

std::atomic<bool> stop_requested{false};

extern "C" void request_stop(int) {
  stop_requested = true;
}

struct produce_options {
  std::string stream = "io:{events}";
  std::string group = "index-optimizer";
  std::vector<std::string> namespaces;
  long long max_lag = 50'000;        // entries the consumer group has not read yet
  long long max_length = 1'000'000;  // XADD MAXLEN ~, as docs/events.md advises producers
  double seconds = 0;                // 0: until SIGTERM/SIGINT
};

// --produce: keeps `stream` fed with the fill's realistic events for the given namespaces, as
// fast as Redis takes them, but only while the group's lag is below max_lag: the consumer always
// has a backlog to work through (ingestion at its full rate) and the stream does not grow without
// bound. Before the group exists the whole stream counts as lag. Prints what it produced.
int produce(const redis_endpoint& endpoint, const produce_options& options) {
  if (options.namespaces.empty()) die("--produce needs at least one --namespace");
  ::signal(SIGTERM, request_stop);
  ::signal(SIGINT, request_stop);
  auto connection = connect(endpoint);
  std::mt19937_64 random(2024);
  const auto name = [&](std::size_t i) { return options.namespaces[i]; };
  const std::string max_length = std::to_string(options.max_length);
  constexpr std::size_t k_chunk = 500;
  std::size_t produced = 0;
  double throttled = 0;
  bool warned_unknown_lag = false;
  const auto started = bench_clock::now();
  const auto elapsed = [&] {
    return std::chrono::duration<double>(bench_clock::now() - started).count();
  };
  while (!stop_requested && (options.seconds <= 0 || elapsed() < options.seconds)) {
    long long lag = 0;
    auto exists = connection.command({"EXISTS", options.stream});
    if (!exists) die(exists.error().message);
    if (exists->to_integer().value_or(0) == 1) {
      const auto state = read_group(connection, options.group, options.stream);
      if (state.pending < 0) {  // no group yet: everything in the stream is unread
        lag = run(connection, {"XLEN", options.stream}).to_integer().value_or(0);
      } else if (state.lag >= 0) {
        lag = state.lag;
      } else if (!warned_unknown_lag) {
        warned_unknown_lag = true;
        std::cerr << "ingest_bench: redis does not report the group's lag; producing "
                     "unthrottled (the stream stays bounded by MAXLEN)\n";
      }
    }
    if (lag >= options.max_lag) {
      const auto pause = bench_clock::now();
      std::this_thread::sleep_for(2ms);
      throttled += std::chrono::duration<double>(bench_clock::now() - pause).count();
      continue;
    }
    std::vector<redis_command> commands;
    commands.reserve(k_chunk);
    for (std::size_t i = 0; i < k_chunk; ++i) {
      redis_command command{"XADD", options.stream, "MAXLEN", "~", max_length, "*"};
      for (auto& part : event(random, options.namespaces.size(), name))
        command.push_back(std::move(part));
      commands.push_back(std::move(command));
    }
    auto replies = connection.pipeline(commands);
    if (!replies) die(replies.error().message);
    produced += commands.size();
  }
  const double seconds = elapsed();
  std::cout << "produced " << produced << " events in " << seconds << " s ("
            << static_cast<long>(static_cast<double>(produced) / seconds) << " events/s), waited "
            << throttled << " s for the consumers (lag >= " << options.max_lag << ")\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t events = 1'000'000;
  std::string url;
  int commit_max_events = 0;
  bool verbose = false;
  bool skip_bare = false;
  bool commandstats = false;
  bool producing = false;
  produce_options producer;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--verbose") {
      verbose = true;
    } else if (flag == "--skip-bare") {
      skip_bare = true;
    } else if (flag == "--commandstats") {
      commandstats = true;
    } else if (flag == "--produce") {
      producing = true;
    } else if (i + 1 < argc && flag == "--stream") {
      producer.stream = argv[++i];
    } else if (i + 1 < argc && flag == "--group") {
      producer.group = argv[++i];
    } else if (i + 1 < argc && flag == "--namespace") {
      producer.namespaces.emplace_back(argv[++i]);
    } else if (i + 1 < argc && flag == "--max-lag") {
      producer.max_lag = std::stoll(argv[++i]);
    } else if (i + 1 < argc && flag == "--seconds") {
      producer.seconds = std::stod(argv[++i]);
    } else if (i + 1 < argc && flag == "--events") {
      events = std::stoul(argv[++i]);
    } else if (i + 1 < argc && flag == "--redis-url") {
      url = argv[++i];
    } else if (i + 1 < argc && flag == "--commit-max-events") {
      commit_max_events = std::stoi(argv[++i]);
    } else {
      die("unknown flag " + flag +
          " (use --events N, --redis-url URL, --commit-max-events N, --skip-bare, --commandstats, "
          "--verbose; or --produce --redis-url URL --namespace NS... [--stream S] [--group G] "
          "[--max-lag N] [--seconds S])");
    }
  }
  if (producing) {
    if (url.empty()) die("--produce needs --redis-url");
    auto target = parse_redis_url(url);
    if (!target) die(target.error);
    return produce(*target.value, producer);
  }
  configure_logging(verbose ? log_level::debug : log_level::warn, log_format::logfmt);
  std::optional<private_redis> own_redis;
  if (url.empty()) url = own_redis.emplace().url();
  auto endpoint = parse_redis_url(url);
  if (!endpoint) die(endpoint.error);

  auto connection = connect(*endpoint.value);
  run(connection, {"DEL", k_stream});
  for (std::size_t ns = 0; ns < k_namespaces; ++ns) {
    const std::string id = "ns_bench" + std::to_string(ns) + "0000000";
    run(connection, {"SET", k_prefix + "{ns}:doc:" + id, R"({"namespace_id":")" + id + "\"}"});
    run(connection, {"HSET", k_prefix + "{ns}:names", "shop-" + std::to_string(ns), id});
  }
  std::cout << "filling " << k_stream << " with " << events << " events..." << std::flush;
  const auto fill_started = bench_clock::now();
  fill(connection, events);
  std::cout << " " << std::chrono::duration<double>(bench_clock::now() - fill_started).count()
            << " s\n";
  const auto memory = run(connection, {"MEMORY", "USAGE", k_stream, "SAMPLES", "0"});
  std::cout << "stream size: " << memory.to_integer().value_or(0) / (1 << 20) << " MiB\n";

  config cfg;
  cfg.redis.url = url;
  cfg.redis.endpoint = *endpoint.value;
  cfg.redis.key_prefix = k_prefix;
  cfg.ingest.streams = {k_stream};
  cfg.ingest.consumer_name = "bench-1";
  if (commit_max_events > 0) cfg.ingest.commit_max_events = commit_max_events;

  double bare_rate = 0;
  if (!skip_bare) {
    const auto bare_cpu_before = cpu_now(connection);
    const double bare_seconds = bare_consumer(*endpoint.value, events, cfg.ingest.batch_size);
    const auto bare_cpu_after = cpu_now(connection);
    bare_rate = static_cast<double>(events) / bare_seconds;
    std::cout << "bare XREADGROUP+XACK (batch " << cfg.ingest.batch_size << "): " << bare_seconds
              << " s, " << static_cast<long>(bare_rate) << " events/s\n";
    print_cpu("bare", bare_cpu_before, bare_cpu_after, events);
  }
  if (commandstats) run(connection, {"CONFIG", "RESETSTAT"});

  const long rss_before = rss_kib();
  prometheus::Registry registry;
  ingest_service service(cfg, registry);
  const auto cpu_before = cpu_now(connection);
  const auto started = bench_clock::now();
  service.start();
  await_drained(connection, cfg.ingest.group);
  const double seconds = std::chrono::duration<double>(bench_clock::now() - started).count();
  const auto cpu_after = cpu_now(connection);
  const long rss_after = rss_kib();
  service.stop(5s);
  const double rate = static_cast<double>(events) / seconds;
  std::cout << "ingest_service (batch " << cfg.ingest.batch_size << ", commit every "
            << cfg.ingest.commit_max_events << " events or " << cfg.ingest.commit_interval.count()
            << " ms): " << seconds << " s, " << static_cast<long>(rate) << " events/s\n";
  for (const auto& family : registry.Collect()) {
    if (family.name == "index_optimizer_ingest_commit_duration_seconds") {
      const auto& h = family.metric.at(0).histogram;
      std::cout << "commits: " << h.sample_count << ", " << h.sample_sum
                << " s in the commit script\n";
    }
    if (family.name == "index_optimizer_ingest_dead_letters_total") {
      double dead = 0;
      for (const auto& m : family.metric)
        dead += m.counter.value;
      std::cout << "dead letters: " << dead << "\n";
      if (dead > 0) {
        const auto first =
            run(connection, {"XRANGE", k_stream + ":dead-letter", "-", "+", "COUNT", "1"});
        std::cout << "  first: " << describe(first) << "\n";
      }
    }
  }
  print_cpu("ingest", cpu_before, cpu_after, events);
  if (commandstats) print_commandstats(connection, events);
  if (!skip_bare) std::cout << "ratio ingest/bare: " << rate / bare_rate << " (target >= 0.9)\n";
  std::cout << "RSS: " << rss_before / 1024 << " MiB before, " << rss_after / 1024
            << " MiB after draining\n";

  // Check the result is sane: every namespace's events add up to what was sent.
  std::uint64_t counted = 0;
  for (std::size_t ns = 0; ns < k_namespaces; ++ns) {
    auto stats = read_namespace_window(connection, cfg, "ns_bench" + std::to_string(ns) + "0000000",
                                       window_kind::decision);
    if (!stats) die(stats.error().message);
    counted += stats->events;
  }
  std::cout << "events in the decision window: " << counted << " of " << events << "\n";
  const auto used = run(connection, {"INFO", "memory"}).as_string();
  const auto at = used.find("used_memory_human:");
  if (at != std::string::npos) {
    std::cout << "redis " << used.substr(at, used.find('\r', at) - at) << "\n";
  }
  if (own_redis) return counted == events ? 0 : 1;
  // A shared server: remove what the benchmark wrote.
  run(connection, {"DEL", k_stream, k_prefix + "{ns}:names"});
  for (const auto& pattern : {k_prefix + "{events}:*", k_prefix + "{ns}:doc:*"}) {
    const auto keys = run(connection, {"KEYS", pattern});
    for (const auto& key : keys.as_array())
      run(connection, {"DEL", key.as_string()});
  }
  return counted == events ? 0 : 1;
}
