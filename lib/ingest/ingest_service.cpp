#include "ingest/ingest_service.hpp"

#include <optional>

#include "ingest/ingest_metrics.hpp"
#include "ingest/stream_consumer.hpp"
#include "ops/logger.hpp"
#include "redis/redis_connection.hpp"

namespace index_optimizer {

using clock = std::chrono::steady_clock;

struct ingest_service::consumer_state {
  std::unique_ptr<stream_consumer> consumer;
  std::thread thread;
  std::atomic<clock::rep> last_progress{0};
  std::atomic<bool> failing{false};
  std::atomic<bool> finished{false};
};

ingest_service::ingest_service(const config& cfg, prometheus::Registry& registry,
                               ingest_health_hooks hooks)
    : cfg_(cfg),
      registry_(registry),
      hooks_(std::move(hooks)),
      memory_(registry),
      data_loss_(registry) {}

ingest_service::~ingest_service() {
  stop(cfg_.shutdown.drain_timeout);
}

std::chrono::milliseconds ingest_service::stall_limit(const config& cfg) {
  return 2 * (cfg.ingest.block + cfg.redis.command_timeout + cfg.redis.connect_timeout) +
         std::chrono::milliseconds(backoff_policy{}.cap);
}

void ingest_service::start() {
  if (started_) return;
  started_ = true;
  ingest_metrics metrics(registry_);
  for (std::size_t i = 0; i < cfg_.ingest.streams.size(); ++i) {
    auto state = std::make_unique<consumer_state>();
    state->last_progress.store(clock::now().time_since_epoch().count());
    consumer_hooks hooks{[this, i] { on_progress(i); },
                         [this, i](const std::string& reason) { on_failure(i, reason); }};
    state->consumer = std::make_unique<stream_consumer>(
        cfg_, cfg_.ingest.streams[i], metrics.for_stream(cfg_.ingest.streams[i]), std::move(hooks),
        consumer_shared{memory_, data_loss_});
    consumers_.push_back(std::move(state));
  }
  for (auto& state : consumers_) {
    state->thread = std::thread([s = state.get()] {
      s->consumer->run();
      s->finished.store(true);
    });
  }
}

void ingest_service::on_progress(std::size_t index) {
  const auto now = clock::now();
  consumers_[index]->last_progress.store(now.time_since_epoch().count());
  consumers_[index]->failing.store(false);
  if (!hooks_.heartbeat) return;
  // One component for all streams: it is alive only while every consumer is.
  const auto limit = stall_limit(cfg_);
  for (const auto& state : consumers_) {
    if (state->failing.load()) return;
    if (now - clock::time_point(clock::duration(state->last_progress.load())) > limit) return;
  }
  hooks_.heartbeat();
}

void ingest_service::on_failure(std::size_t index, const std::string& reason) {
  consumers_[index]->failing.store(true);
  if (hooks_.report_failure) {
    hooks_.report_failure(consumers_[index]->consumer->stream() + ": " + reason);
  }
}

void ingest_service::unblock_consumers(clock::time_point until) {
  // A consumer blocked in XREADGROUP would notice the stop only when its BLOCK ends; CLIENT
  // UNBLOCK ends the wait at once, as if it had timed out. Repeated until every consumer has
  // finished, because a consumer may enter its read just after an UNBLOCK. Best effort: without
  // it a stop still completes within ingest.block.
  std::optional<redis_connection> connection;
  while (clock::now() < until) {
    bool all_finished = true;
    for (const auto& state : consumers_) {
      if (state->finished.load()) continue;
      all_finished = false;
      const auto id = state->consumer->client_id();
      if (id == 0) continue;
      if (!connection) {
        auto connected = redis_connection::connect(cfg_.redis.endpoint, cfg_.redis.connect_timeout,
                                                   cfg_.redis.command_timeout);
        if (!connected) return;
        connection.emplace(std::move(*connected));
      }
      if (!connection->command({"CLIENT", "UNBLOCK", std::to_string(id)})) return;
    }
    if (all_finished) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

bool ingest_service::stop(std::chrono::milliseconds deadline) {
  if (!started_ || stopped_) return true;
  stopped_ = true;
  const auto until = clock::now() + deadline;
  for (auto& state : consumers_)
    state->consumer->request_stop(until);
  unblock_consumers(until);
  // Each consumer's calls are bounded by its socket timeout, so the joins end; past the deadline
  // a consumer skips its final commit and its entries stay pending.
  for (auto& state : consumers_) {
    if (state->thread.joinable()) state->thread.join();
  }
  const bool in_time = clock::now() <= until;
  log_info("ingest: stopped", {{"in_time", in_time}});
  return in_time;
}

}  // namespace index_optimizer
