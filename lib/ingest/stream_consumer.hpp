#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "base/backoff.hpp"
#include "config/config.hpp"
#include "filter_decoder/event_decoder.hpp"
#include "ingest/batch_aggregate.hpp"
#include "ingest/data_loss_monitor.hpp"
#include "ingest/field_cap_report.hpp"
#include "ingest/ingest_metrics.hpp"
#include "ingest/namespace_resolver.hpp"
#include "ingest/redis_memory_guard.hpp"
#include "ingest/sample_tracker.hpp"
#include "ingest/stream_entries.hpp"
#include "redis/redis_connection.hpp"

namespace index_optimizer {

// What a consumer tells its owner about its health.
struct consumer_hooks {
  std::function<void()> progress;                   // a loop iteration went through
  std::function<void(const std::string&)> failure;  // an iteration failed, with the reason
};

// What the consumers of one process share (their owner keeps them).
struct consumer_shared {
  redis_memory_guard& memory;
  data_loss_monitor& data_loss;
};

// The consumer of one stream: one thread, one event_decoder and two blocking hiredis
// connections: the stream connection carries the reads and the commits, pipelined; the lookup
// connection carries everything else (namespace lookups, reclaiming, sweeps, group and memory
// samples), so a lookup never has to wait behind the stream connection's outstanding replies.
// Loop: read (own pending entries after a (re)connect or a lost commit, else reclaimed idle
// entries and new ones), decode, resolve the namespace, pre-aggregate; every
// ingest.commit_interval or ingest.commit_max_events commit the batch in one atomic script
// (ingest/commit_script.hpp); between reads age out expired window buckets and sample the
// group's lag. Redis failures drop the connections and the in-memory batches (their entries stay
// pending, so they are re-read from the consumer's own pending list after reconnecting, with
// backoff) — never counted twice, never lost.
//
// Pipelining. While entries keep coming (a read returned a full batch_size), up to a commit's
// worth of further reads stay in flight, without BLOCK, and a commit is sent without waiting for
// its outcome: Redis serves the reads queued before the commit and then runs the script while
// this thread decodes what those reads returned. At most one commit is in flight; its batch is
// kept aside until its outcome arrives. A stale outcome discards everything read after it too
// (still pending for this consumer, so re-read from the pending list), exactly as if it had not
// been read yet.
//
// Redis memory. Every second (every 100 ms near the line) the consumer samples INFO memory into
// the shared redis_memory_guard; while the guard is paused it neither reads nor commits, only
// sweeps (which frees memory), so entries wait in the stream until Redis has room again.
//
// Data loss. A reconnect that has to create the consumer group again, and events naming
// namespaces while the registry is empty, are reported to the shared data_loss_monitor.
class stream_consumer {
 public:
  stream_consumer(const config& cfg, std::string stream, stream_ingest_metrics metrics,
                  consumer_hooks hooks, consumer_shared shared);
  stream_consumer(const stream_consumer&) = delete;
  stream_consumer& operator=(const stream_consumer&) = delete;
  ~stream_consumer();

  // Runs until request_stop(), then commits the batch in hand if the deadline allows. Call on
  // the consumer's own thread.
  void run();

  // Thread-safe. The loop notices at its next step: at once while waiting out a backoff, within
  // ingest.block while blocked in XREADGROUP unless the owner unblocks it (CLIENT UNBLOCK with
  // client_id()).
  void request_stop(std::chrono::steady_clock::time_point deadline);
  // The Redis CLIENT ID of the current connection, 0 when there is none. Thread-safe.
  long long client_id() const noexcept { return client_id_.load(); }
  const std::string& stream() const noexcept { return stream_; }

 private:
  using clock = std::chrono::steady_clock;

  bool stop_requested() const noexcept { return stop_.load(); }
  redis_result<void> connect();
  redis_result<void> step();
  redis_result<void> read_own_pending();
  redis_result<void> read_new();
  redis_result<void> reclaim();
  // What each outstanding reply on the stream connection answers, in order.
  enum class outstanding { read, commit };
  redis_result<void> send_read(bool may_block);
  redis_result<void> top_up_reads();
  redis_result<void> receive_one();
  redis_result<void> receive_all();
  redis_result<void> send_commit();
  redis_result<void> finish_commit(const redis_reply& reply);
  void finish_stopping();
  redis_result<void> process(const std::vector<stream_entry_view>& entries);
  redis_result<void> process_entry(const stream_entry_view& entry, std::int64_t now_ms);
  void dead_letter(const stream_entry_view& entry, decode_reason reason, std::string message);
  redis_result<void> check_registry(std::string_view unknown_ref);
  redis_result<void> sample_memory();
  redis_result<void> wait_for_memory();
  redis_result<void> commit();
  redis_result<void> sweep();
  redis_result<void> sample_group_state();
  redis_result<void> sweep_and_sample();  // each when due
  bool commit_due(clock::time_point now) const noexcept;
  void fail(const redis_error& error);
  void discard_batch();
  void wait_backoff();

  const config& cfg_;
  const std::string stream_;
  stream_ingest_metrics metrics_;
  consumer_hooks hooks_;
  redis_memory_guard& memory_;
  data_loss_monitor& data_loss_;
  commit_target target_;
  std::array<window_spec, 2> windows_;

  std::optional<redis_connection> connection_;  // reads and commits, pipelined
  std::optional<redis_connection> lookup_;      // everything else
  std::deque<outstanding> outstanding_;
  std::size_t reads_in_flight_ = 0;
  bool commit_in_flight_ = false;
  bool backlog_ = false;             // the last read was full: more entries are waiting
  std::deque<reply_tree> received_;  // replies read ahead, not yet processed
  reply_tree current_read_;          // the reply entries_ views into
  std::size_t read_ahead_ = 1;
  std::unique_ptr<event_decoder> decoder_;
  decoded_event event_;
  namespace_resolver resolver_;
  sample_tracker samples_;
  batch_aggregate batch_;
  // The batch of the commit in flight, with its own counters, until its outcome arrives.
  batch_aggregate committing_;
  // What this connection has counted in each open decision bucket (ingest/writer_sums.hpp).
  writer_sums sums_;
  std::uint64_t committing_future_clamped_ = 0;
  std::uint64_t committing_vanished_ = 0;
  clock::time_point commit_sent_{};
  std::vector<stream_entry_view> entries_;
  reconnect_backoff backoff_;
  bool connected_once_ = false;
  // When the entries being processed had been read by (namespace misses older than this are
  // looked up again: namespace_resolver).
  clock::time_point read_at_{};
  clock::time_point next_memory_sample_{};
  bool memory_info_refused_ = false;
  clock::time_point next_registry_check_{};

  // Reading one's own pending entries (from `pending_cursor_`) before new ones: after every
  // (re)connect and after a commit that lost an entry to another consumer.
  bool recovering_ = true;
  std::string pending_cursor_ = "0";
  std::string reclaim_cursor_ = "0-0";
  clock::time_point batch_started_{};
  clock::time_point next_reclaim_{};
  clock::time_point next_sweep_{};
  clock::time_point next_group_sample_{};
  // Counted only once the batch they belong to commits, like everything else of a batch.
  std::uint64_t batch_future_clamped_ = 0;
  std::uint64_t batch_vanished_ = 0;
  // Entries of the read being processed that follow a commit made in its middle (a batch reached
  // k_commit_max_paths): held, not yet in any batch.
  std::size_t unprocessed_ = 0;
  field_cap_log_limiter cap_log_;

  std::atomic<bool> stop_{false};
  std::atomic<clock::rep> stop_deadline_{0};
  std::atomic<long long> client_id_{0};
  std::mutex wait_mutex_;
  std::condition_variable wait_;
};

}  // namespace index_optimizer
