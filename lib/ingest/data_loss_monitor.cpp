#include "ingest/data_loss_monitor.hpp"

#include "ops/logger.hpp"

namespace index_optimizer {

std::string_view to_string(data_loss_signal signal) noexcept {
  return signal == data_loss_signal::group_recreated ? "group_recreated" : "registry_empty";
}

data_loss_monitor::data_loss_monitor(prometheus::Registry& registry)
    : group_recreated_(prometheus::BuildCounter()
                           .Name("index_optimizer_ingest_consumer_group_recreated_total")
                           .Help("Times a stream's consumer group was gone on a reconnect and "
                                 "was created again: Redis lost the stream (restarted empty, "
                                 "flushed, the key deleted).")
                           .Register(registry)),
      suspected_gauge_(prometheus::BuildGauge()
                           .Name("index_optimizer_redis_data_loss_suspected")
                           .Help("1 while Redis appears to have lost the daemon's data (a "
                                 "consumer group recreated, or events naming namespaces while "
                                 "the registry is empty) and no event has been counted since.")
                           .Register(registry)
                           .Add({})) {}

void data_loss_monitor::group_recreated(std::string_view stream) {
  group_recreated_.Add({{"stream", std::string(stream)}}).Increment();
  raise(data_loss_signal::group_recreated,
        "the consumer group of stream " + std::string(stream) +
            " was gone and had to be created again, so the stream had vanished");
}

void data_loss_monitor::registry_empty(std::string_view stream, std::string_view example) {
  raise(data_loss_signal::registry_empty, "events of stream " + std::string(stream) +
                                              " name namespaces (e.g. \"" + std::string(example) +
                                              "\") but the namespace registry is empty");
}

void data_loss_monitor::raise(data_loss_signal signal, std::string what) {
  std::lock_guard lock(mutex_);
  if (suspected_.load()) {
    // One log line per episode; a second signal only adds to the detail.
    if (detail_.find(what) == std::string::npos) detail_ = what + "; " + detail_;
    return;
  }
  detail_ = what +
            ". Redis appears to have lost the daemon's data (restarted empty, flushed, or failed "
            "over to an empty replica): events of the lost namespaces are dead-lettered as "
            "unknown_namespace. Restore Redis from a backup, or recreate the namespaces and "
            "replay the dead letters with index-optimizer --replay-dead-letters "
            "(docs/operations.md, \"Redis restarted empty\"); a new deployment only needs the "
            "namespaces the producers name";
  suspected_.store(true);
  suspected_gauge_.Set(1);
  log_error("ingest: " + detail_, {{"signal", to_string(signal)}});
}

void data_loss_monitor::counting() {
  if (!suspected_.load()) return;
  std::lock_guard lock(mutex_);
  if (!suspected_.load()) return;
  suspected_.store(false);
  suspected_gauge_.Set(0);
  detail_.clear();
  log_info("ingest: events are counted again; the data-loss warning is cleared");
}

health_check_result data_loss_monitor::check() const {
  std::lock_guard lock(mutex_);
  return {"redis_data", true, detail_};
}

}  // namespace index_optimizer
