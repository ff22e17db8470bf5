#include "optimizer/optimizer_service.hpp"

#include <unistd.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <random>

#include "ops/logger.hpp"
#include "optimizer_store/leader_lease.hpp"
#include "optimizer_store/run_schedule.hpp"
#include "text/rfc3339_time.hpp"

namespace index_optimizer {
namespace {

using std::chrono::milliseconds;
using time_point = std::chrono::system_clock::time_point;

std::int64_t unix_ms(time_point at) {
  return std::chrono::duration_cast<milliseconds>(at.time_since_epoch()).count();
}

time_point from_unix_ms(std::int64_t ms) {
  return time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(milliseconds(ms)));
}

std::string default_instance_id() {
  char host[256] = {};
  if (gethostname(host, sizeof(host) - 1) != 0) host[0] = '\0';
  return std::string(host[0] != '\0' ? host : "localhost") + "-" + std::to_string(getpid());
}

// "run_" + 12 characters of [0-9a-z].
std::string generate_run_id() {
  static constexpr std::string_view alphabet = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::random_device device;
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  std::string id = "run_";
  for (int i = 0; i < 12; ++i)
    id += alphabet[pick(device)];
  return id;
}

}  // namespace

optimizer_service::optimizer_service(const config& cfg, redis_pool& redis, qdrant_gateway* qdrant,
                                     namespace_writer& writer, prometheus::Registry& metrics,
                                     optimizer_health_hooks hooks,
                                     optimizer_service_options options)
    : optimizer_service(cfg, redis, qdrant, nullptr, &writer, metrics, std::move(hooks),
                        std::move(options)) {}

optimizer_service::optimizer_service(const config& cfg, redis_pool& redis, qdrant_gateway* qdrant,
                                     namespace_registry& registry, prometheus::Registry& metrics,
                                     optimizer_health_hooks hooks,
                                     optimizer_service_options options)
    : optimizer_service(cfg, redis, qdrant,
                        std::make_unique<namespace_writer>(
                            // Not owned: the caller keeps `registry` alive.
                            std::shared_ptr<namespace_registry>(std::shared_ptr<void>(), &registry),
                            qdrant, namespace_writer_options_from(cfg)),
                        nullptr, metrics, std::move(hooks), std::move(options)) {}

optimizer_service::optimizer_service(const config& cfg, redis_pool& redis, qdrant_gateway* qdrant,
                                     std::unique_ptr<namespace_writer> own_writer,
                                     namespace_writer* writer, prometheus::Registry& metrics,
                                     optimizer_health_hooks hooks,
                                     optimizer_service_options options)
    : cfg_(cfg),
      redis_(redis),
      qdrant_(qdrant),
      own_writer_(std::move(own_writer)),
      writer_(writer != nullptr ? writer : own_writer_.get()),
      metrics_(metrics),
      hooks_(std::move(hooks)),
      options_(std::move(options)),
      keys_(cfg.redis.key_prefix) {
  if (!options_.clock) options_.clock = [] { return std::chrono::system_clock::now(); };
  instance_id_ = !options_.instance_id.empty()       ? options_.instance_id
                 : !cfg.ingest.consumer_name.empty() ? cfg.ingest.consumer_name
                                                     : default_instance_id();
  metrics_.leader(false);
}

optimizer_service::~optimizer_service() {
  stop(snapshot().shutdown.drain_timeout);
}

config optimizer_service::snapshot() const {
  std::lock_guard lock(config_mutex_);
  return cfg_;
}

void optimizer_service::reconfigure(const config& cfg) {
  std::lock_guard lock(config_mutex_);
  cfg_.optimizer = cfg.optimizer;
  cfg_.namespaces = cfg.namespaces;
}

time_point optimizer_service::now() const {
  return options_.clock();
}

void optimizer_service::heartbeat() {
  if (hooks_.heartbeat) hooks_.heartbeat();
}

void optimizer_service::report_failure(const std::string& reason) {
  log_warn("optimizer", {{"error", reason}});
  if (hooks_.report_failure) hooks_.report_failure(reason);
}

std::chrono::milliseconds optimizer_service::stall_limit(const config& cfg,
                                                         const optimizer_service_options& options) {
  const auto attempts = static_cast<long>(cfg.qdrant.max_retries) + 1;
  const auto qdrant_call = attempts * (cfg.qdrant.connect_timeout + cfg.qdrant.request_timeout);
  const auto index_build = attempts * (cfg.qdrant.connect_timeout + cfg.qdrant.index_timeout);
  // One field: the lock wait, a collection read, the build, Redis round trips.
  return options.poll + index_build + qdrant_call + std::chrono::seconds(10) +
         4 * cfg.redis.command_timeout + std::chrono::minutes(1);
}

void optimizer_service::start() {
  std::lock_guard lock(mutex_);
  if (started_) return;
  started_ = true;
  thread_ = std::thread([this] { loop(); });
}

bool optimizer_service::stop(std::chrono::milliseconds deadline) {
  std::unique_lock lock(mutex_);
  if (!started_ || !thread_.joinable()) return true;
  stopping_ = true;
  stop_run_ = true;
  wake_.notify_all();
  const bool finished = idle_.wait_for(lock, deadline, [this] { return !executing_; });
  if (!finished && current_lease_ != nullptr) {
    log_warn("optimizer run did not stop in time; abandoning its lease",
             {{"deadline_ms", deadline.count()}});
    current_lease_->abandon();
  }
  lock.unlock();
  // The loop executes a run handed over before stopping_ was set (it ends as interrupted);
  // trigger() hands over none after.
  thread_.join();
  return finished;
}

bool optimizer_service::running() const {
  std::lock_guard lock(mutex_);
  return executing_;
}

void optimizer_service::abandon_lease() {
  std::lock_guard lock(mutex_);
  if (current_lease_ != nullptr) current_lease_->abandon();
}

optimizer_runner optimizer_service::make_runner(const config& cfg) {
  optimizer_run_environment env;
  env.cfg = &cfg;
  env.redis = &redis_;
  env.writer = writer_;
  env.qdrant = qdrant_;
  env.metrics = &metrics_;
  env.keys = keys_;
  env.clock = options_.clock;
  env.after_field = options_.after_field;
  env.heartbeat = [this] { heartbeat(); };
  return optimizer_runner(std::move(env));
}

std::optional<run_record> optimizer_service::begin_run(
    lease_keeper& lease, const config& cfg, run_trigger trigger, bool dry_run,
    std::optional<std::vector<std::string>> namespaces) {
  auto connection = redis_.acquire(cfg.redis.command_timeout);
  if (!connection) {
    report_failure("redis: " + connection.error().message);
    return std::nullopt;
  }
  // A run still marked active belongs to a leader whose lease expired (we hold it now).
  if (auto active = active_run(**connection, keys_); active && active.value()) {
    const std::string& previous = *active.value();
    auto text = load_run(**connection, keys_, previous);
    boost::system::error_code ec;
    boost::json::value stored;
    if (text && text.value()) stored = boost::json::parse(*text.value(), ec);
    if (!ec && stored.is_object()) {
      auto marked = mark_abandoned(stored.get_object(), now(), instance_id_);
      std::int64_t started = unix_ms(now());
      if (const auto* at = marked.if_contains("started_at"); at && at->is_string()) {
        if (auto parsed = parse_rfc3339(at->get_string())) started = unix_ms(*parsed);
      }
      const run_save entry{previous, started, boost::json::serialize(marked), active_marker::clear};
      if (auto saved = save_run(**connection, keys_, lease.token(), entry,
                                cfg.optimizer.history_retention, unix_ms(now()));
          saved && saved.value()) {
        log_warn("optimizer: a previous leader's run was left unfinished; marked abandoned",
                 {{"run_id", previous}});
      }
    }
  }

  run_record run;
  run.run_id = generate_run_id();
  run.status = run_status::running;
  run.trigger = trigger;
  run.dry_run = dry_run;
  run.catalog_only = qdrant_ == nullptr;
  run.leader = instance_id_;
  run.fence = lease.token().fence;
  run.started_at = now();
  run.requested_namespaces = std::move(namespaces);
  run.settings = make_plan_settings(cfg.optimizer, cfg.namespaces);
  const run_save entry{run.run_id, unix_ms(run.started_at), boost::json::serialize(to_json(run)),
                       active_marker::set};
  auto saved = save_run(**connection, keys_, lease.token(), entry, cfg.optimizer.history_retention,
                        unix_ms(now()));
  if (!saved) {
    report_failure("redis: " + saved.error().message);
    return std::nullopt;
  }
  if (!saved.value()) return std::nullopt;  // the lease is already gone
  log_info("optimizer run started", {{"run_id", run.run_id},
                                     {"trigger", to_string(trigger)},
                                     {"dry_run", dry_run},
                                     {"fence", run.fence},
                                     {"catalog_only", run.catalog_only}});
  return run;
}

run_record optimizer_service::execute(pending_run& pending, const config& cfg) {
  {
    std::lock_guard lock(mutex_);
    executing_ = true;
    current_lease_ = pending.lease.get();
  }
  metrics_.leader(true);
  auto runner = make_runner(cfg);
  auto result = runner.execute(std::move(pending.run), *pending.lease, stop_run_);
  {
    // The lease object goes away with `pending` once the caller has finished the run.
    std::lock_guard lock(mutex_);
    current_lease_ = nullptr;
  }
  metrics_.leader(false);
  const auto finished = result.finished_at.value_or(now());
  metrics_.run_finished(result.status, finished - result.started_at, finished);
  log_info("optimizer run finished", {{"run_id", result.run_id},
                                      {"status", to_string(result.status)},
                                      {"totals", boost::json::serialize(run_totals(result))},
                                      {"error", result.error}});
  return result;
}

std::chrono::milliseconds optimizer_service::scheduled_step() {
  const config cfg = snapshot();
  if (!cfg.optimizer.enabled) {
    metrics_.clear_next_run();
    return options_.poll;
  }
  const auto interval_ms = cfg.optimizer.interval.count();
  pending_run pending;
  std::int64_t due_ms = 0;
  {
    // Handed back before the run, which leases its own connections.
    auto connection = redis_.acquire(cfg.redis.command_timeout);
    if (!connection) {
      report_failure("redis: " + connection.error().message);
      return options_.poll;
    }
    auto next = read_or_init_next_run(**connection, keys_, unix_ms(now()) + interval_ms);
    if (!next) {
      report_failure("redis: " + next.error().message);
      return options_.poll;
    }
    heartbeat();
    metrics_.next_run(from_unix_ms(next.value()));
    const std::int64_t now_ms = unix_ms(now());
    if (now_ms < next.value()) {
      return std::min(options_.poll, milliseconds(next.value() - now_ms));
    }
    auto acquired = try_acquire_lease(**connection, keys_, instance_id_, cfg.optimizer.lease);
    if (!acquired) {
      report_failure("redis: " + acquired.error().message);
      return options_.poll;
    }
    if (!acquired.value().granted) return options_.poll;  // another instance is running
    pending.lease = std::make_unique<lease_keeper>(redis_, keys_, *acquired.value().granted,
                                                   cfg.optimizer.lease);
    // Read again under the lease: a leader that finished just before we took it has moved the
    // schedule on, and the run it did must not be repeated.
    auto due = read_next_run(**connection, keys_);
    if (!due || !due.value() || unix_ms(now()) < *due.value()) {
      pending.lease->release();
      return milliseconds(0);
    }
    due_ms = *due.value();
  }
  {
    auto run =
        begin_run(*pending.lease, cfg, run_trigger::schedule, cfg.optimizer.dry_run, std::nullopt);
    if (!run) {
      pending.lease->release();
      return options_.poll;
    }
    pending.run = std::move(*run);
  }
  const auto result = execute(pending, cfg);

  std::optional<std::int64_t> next_ms;
  if (result.status == run_status::succeeded || result.status == run_status::partial) {
    next_ms = next_run_after(due_ms, unix_ms(now()), interval_ms);
  } else if (result.status == run_status::failed) {
    next_ms =
        unix_ms(now()) + std::min<std::int64_t>(interval_ms, options_.failed_run_retry.count());
  }
  // Abandoned and interrupted runs leave the schedule: the next leader runs them again.
  make_runner(cfg).finish(result, *pending.lease, next_ms);
  if (next_ms) metrics_.next_run(from_unix_ms(*next_ms));
  return milliseconds(0);
}

void optimizer_service::loop() {
  while (true) {
    std::optional<pending_run> next;
    {
      std::lock_guard lock(mutex_);
      // A triggered run is taken even when stopping: it ends at once as interrupted, so its
      // record does not stay "running".
      if (pending_) {
        next = std::move(pending_);
        pending_.reset();
      } else if (stopping_) {
        break;
      }
    }
    std::chrono::milliseconds wait{0};
    if (next) {
      const config cfg = snapshot();
      const auto result = execute(*next, cfg);
      make_runner(cfg).finish(result, *next->lease, std::nullopt);
    } else {
      wait = scheduled_step();
    }
    heartbeat();
    std::unique_lock lock(mutex_);
    executing_ = pending_.has_value();
    current_lease_ = nullptr;
    idle_.notify_all();
    if (wait.count() > 0) {
      wake_.wait_for(lock, wait, [this] { return stopping_ || pending_.has_value(); });
    }
  }
  std::lock_guard lock(mutex_);
  executing_ = false;
  current_lease_ = nullptr;
  idle_.notify_all();
}

trigger_result optimizer_service::trigger(std::optional<bool> dry_run,
                                          std::optional<std::vector<std::string>> namespaces) {
  trigger_result result;
  {
    std::lock_guard lock(mutex_);
    if (!started_ || stopping_) {
      result.message = "the optimizer is not running on this instance";
      return result;
    }
  }
  const config cfg = snapshot();
  std::unique_ptr<lease_keeper> lease;
  {
    auto connection = redis_.acquire(cfg.redis.command_timeout);
    if (!connection) {
      result.message = "redis: " + connection.error().message;
      return result;
    }
    auto acquired = try_acquire_lease(**connection, keys_, instance_id_, cfg.optimizer.lease);
    if (!acquired) {
      result.message = "redis: " + acquired.error().message;
      return result;
    }
    if (!acquired.value().granted) {
      result.what = trigger_result::outcome::busy;
      if (auto active = active_run(**connection, keys_); active && active.value()) {
        result.run_id = *active.value();
      }
      const auto& holder = acquired.value().holder;
      result.message = "An optimizer run is already in progress" +
                       (holder ? " on instance " + holder->token.instance_id : std::string()) +
                       "; wait for it to finish";
      return result;
    }
    lease = std::make_unique<lease_keeper>(redis_, keys_, *acquired.value().granted,
                                           cfg.optimizer.lease);
  }
  auto run = begin_run(*lease, cfg, run_trigger::api, dry_run.value_or(cfg.optimizer.dry_run),
                       std::move(namespaces));
  if (!run) {
    lease->release();
    result.message = "the run could not be recorded in Redis";
    return result;
  }
  result.what = trigger_result::outcome::started;
  result.run_id = run->run_id;
  bool handed_over = false;
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      pending_ = pending_run{std::move(*run), std::move(lease)};
      // Counted as executing from now on, so stop() waits for it.
      executing_ = true;
      handed_over = true;
    }
  }
  if (!handed_over) {
    // The loop has ended: close the record ourselves.
    run->status = run_status::interrupted;
    run->finished_at = now();
    make_runner(cfg).finish(*run, *lease, std::nullopt);
    result.what = trigger_result::outcome::unavailable;
    result.message = "the optimizer is shutting down";
    return result;
  }
  wake_.notify_all();
  return result;
}

std::optional<std::chrono::system_clock::time_point> optimizer_service::next_run_at() {
  const config cfg = snapshot();
  if (!cfg.optimizer.enabled) return std::nullopt;
  auto connection = redis_.acquire(cfg.redis.command_timeout);
  if (!connection) return std::nullopt;
  auto next = read_next_run(**connection, keys_);
  if (!next || !next.value()) return std::nullopt;
  return from_unix_ms(*next.value());
}

redis_result<run_page> optimizer_service::history(std::int64_t offset, std::int64_t limit) {
  const config cfg = snapshot();
  auto connection = redis_.acquire(cfg.redis.command_timeout);
  if (!connection) return connection.error();
  const auto cutoff = unix_ms(now()) - cfg.optimizer.history_retention.count();
  return list_runs(**connection, keys_, cutoff, offset, limit);
}

redis_result<std::optional<std::string>> optimizer_service::history_entry(std::string_view run_id) {
  auto connection = redis_.acquire(snapshot().redis.command_timeout);
  if (!connection) return connection.error();
  return load_run(**connection, keys_, run_id);
}

}  // namespace index_optimizer
