#include "ingest/stream_consumer.hpp"

#include <algorithm>

#include "ingest/commit_script.hpp"
#include "ops/logger.hpp"
#include "redis/owned_key.hpp"
#include "window_store/window_keys.hpp"
#include "window_store/window_store.hpp"

namespace index_optimizer {
namespace {

using std::chrono::milliseconds;

decode_limits limits_from(const ingest_config& ingest) {
  decode_limits limits;
  limits.max_value_bytes = static_cast<std::size_t>(ingest.max_event_bytes);
  limits.max_depth = static_cast<std::size_t>(ingest.max_filter_depth);
  limits.max_conditions = static_cast<std::size_t>(ingest.max_conditions);
  // The consumer compacts a sample itself for the few fields that need one (batch_aggregate).
  limits.max_sample_bytes = 0;
  return limits;
}

redis_error error_reply(std::string_view during, const redis_reply& reply) {
  return redis_error{redis_errc::server, std::string(during) + ": " + describe(reply)};
}

std::string_view raw_filter_of(const stream_entry_view& entry) noexcept {
  for (const auto& [name, value] : entry.fields) {
    if (name == "filter" || name == "fields") return value;
  }
  return {};
}

// Ageing buckets out is checked a few times per (narrowest) bucket: often enough that totals
// lag the window edge by a fraction of a bucket, rarely enough to cost nothing.
milliseconds sweep_interval(const std::array<window_spec, 2>& windows) {
  const auto narrowest = std::min(windows[0].bucket_ms, windows[1].bucket_ms);
  return std::clamp(milliseconds(narrowest / 4), milliseconds(200), milliseconds(10000));
}

constexpr milliseconds k_group_sample_interval{5000};
// How often, at most, a consumer finding unknown namespaces asks whether the registry is empty.
constexpr milliseconds k_registry_check_interval{5000};

// Reads kept in flight ahead of decoding: about a commit's worth, so the entries Redis serves
// before a commit keep this thread busy while the script runs; capped to bound the memory held
// in replies (a few MiB).
std::size_t read_ahead_for(const ingest_config& ingest) {
  const auto per_commit = ingest.commit_max_events / std::max(1, ingest.batch_size);
  return static_cast<std::size_t>(std::clamp(per_commit, 1, 16));
}

}  // namespace

stream_consumer::stream_consumer(const config& cfg, std::string stream,
                                 stream_ingest_metrics metrics, consumer_hooks hooks,
                                 consumer_shared shared)
    : cfg_(cfg),
      stream_(std::move(stream)),
      metrics_(metrics),
      hooks_(std::move(hooks)),
      memory_(shared.memory),
      data_loss_(shared.data_loss),
      target_{cfg.redis.key_prefix,
              stream_,
              dead_letter_stream_for(cfg.ingest, stream_),
              cfg.ingest.group,
              cfg.ingest.consumer_name,
              cfg.ingest.dead_letter_max_length,
              {},  // the token: set by every (re)connect
              cfg.ingest.max_fields_per_namespace},
      windows_(window_specs(cfg.window)),
      decoder_(std::make_unique<event_decoder>(limits_from(cfg.ingest))),
      resolver_(cfg.redis.key_prefix),
      batch_(windows_),
      committing_(windows_) {
  read_ahead_ = read_ahead_for(cfg.ingest);
}

stream_consumer::~stream_consumer() = default;

void stream_consumer::request_stop(clock::time_point deadline) {
  stop_deadline_.store(deadline.time_since_epoch().count());
  {
    std::lock_guard lock(wait_mutex_);
    stop_.store(true);
  }
  wait_.notify_all();
}

void stream_consumer::run() {
  while (!stop_requested()) {
    if (!connection_) {
      if (auto connected = connect(); !connected) {
        fail(connected.error());
        wait_backoff();
        continue;
      }
    }
    if (auto stepped = step(); !stepped) {
      fail(stepped.error());
      wait_backoff();
      continue;
    }
    backoff_.on_success();
    if (hooks_.progress) hooks_.progress();
  }
  finish_stopping();
  connection_.reset();
  lookup_.reset();
  client_id_.store(0);
}

void stream_consumer::finish_stopping() {
  if (!connection_) return;
  // Stopping: the commit in flight finishes; what the reads in flight returned joins the batch
  // in hand, which is committed (counted and acknowledged together) if the deadline allows;
  // otherwise its entries stay pending and are counted after the restart.
  const auto failed = [&](const redis_error& error) {
    log_warn(
        "ingest: final commit failed; its entries stay pending and are counted after the restart",
        {{"stream", stream_}, {"error", error.message}});
  };
  if (auto received = receive_all(); !received) return failed(received.error());
  while (!recovering_ && !received_.empty()) {
    current_read_ = std::move(received_.front());
    received_.pop_front();
    if (!parse_xreadgroup_reply(current_read_.root(), entries_)) {
      return failed(
          error_reply("unexpected XREADGROUP reply", to_redis_reply(current_read_.root())));
    }
    if (auto processed = process(entries_); !processed) {
      return failed(processed.error());
    }
  }
  const clock::time_point deadline{clock::duration(stop_deadline_.load())};
  if (batch_.empty() || clock::now() >= deadline) return;
  if (memory_.paused()) {
    log_warn("ingest: Redis is near maxmemory; the batch in hand stays pending for the restart",
             {{"stream", stream_}, {"entries", batch_.entries()}});
    return;
  }
  if (auto committed = commit(); !committed) return failed(committed.error());
  if (auto received = receive_all(); !received) return failed(received.error());
}

redis_result<void> stream_consumer::connect() {
  const auto& redis = cfg_.redis;
  // A blocking read waits up to ingest.block before the server answers: the socket timeout sits
  // above it so only a dead server times out.
  auto connected = redis_connection::connect(redis.endpoint, redis.connect_timeout,
                                             redis.command_timeout + cfg_.ingest.block);
  if (!connected) return connected.error();
  auto& connection = *connected;
  auto lookup =
      redis_connection::connect(redis.endpoint, redis.connect_timeout, redis.command_timeout);
  if (!lookup) return lookup.error();
  // Pipelined commits go out as EVALSHA without a fallback: the script is loaded up front.
  if (auto loaded = load_commit_script(connection); !loaded) return loaded.error();
  // A fresh token for the consumer name before anything is read: from now on a process that
  // held the name before (a zombie of ours, a copy with the same config) writes nothing, and our
  // commits may confirm ownership by count (ingest/commit_script.hpp).
  std::string token = random_token();
  auto registered = connection.command({"HSET", consumer_tokens_key(cfg_.redis.key_prefix, stream_),
                                        cfg_.ingest.consumer_name, token});
  if (!registered) return registered.error();
  if (registered->is_error()) return error_reply("HSET of the consumer token", *registered);
  // Reading the stream from its start: events already in it when the group is first created are
  // counted too (producers bound the stream with MAXLEN/MINID; late ones are only acknowledged).
  auto created =
      connection.command({"XGROUP", "CREATE", stream_, cfg_.ingest.group, "0", "MKSTREAM"});
  if (!created) return created.error();
  if (created->is_error() && !created->is_error_with_prefix("BUSYGROUP")) {
    return error_reply("XGROUP CREATE", *created);
  }
  // Created although this process had consumed from it: the stream vanished meanwhile.
  if (!created->is_error() && connected_once_) data_loss_.group_recreated(stream_);
  resolver_.forget();
  auto id = connection.command({"CLIENT", "ID"});
  if (!id) return id.error();
  client_id_.store(id->to_integer().value_or(0));
  connection_.emplace(std::move(connection));
  lookup_.emplace(std::move(*lookup));
  target_.consumer_token = std::move(token);
  if (connected_once_) metrics_.reconnects->Increment();
  connected_once_ = true;
  // Whatever was in memory is gone (discard_batch); what it held is still pending for us.
  recovering_ = true;
  pending_cursor_ = "0";
  reclaim_cursor_ = "0-0";
  next_reclaim_ = clock::now();
  log_info(
      "ingest: consuming",
      {{"stream", stream_}, {"group", cfg_.ingest.group}, {"consumer", cfg_.ingest.consumer_name}});
  return {};
}

void stream_consumer::fail(const redis_error& error) {
  metrics_.redis_errors->Increment();
  log_warn("ingest: redis call failed; reconnecting",
           {{"stream", stream_}, {"error", error.message}});
  if (hooks_.failure) hooks_.failure(error.message);
  connection_.reset();
  lookup_.reset();
  client_id_.store(0);
  // Whatever was in flight is lost with the connection: its entries are still pending (a commit
  // in flight either applied, acknowledging them, or did not).
  outstanding_.clear();
  reads_in_flight_ = 0;
  commit_in_flight_ = false;
  received_.clear();
  committing_.clear();
  discard_batch();
  // The next connection writes its own sums under a new token.
  sums_.clear();
}

void stream_consumer::discard_batch() {
  batch_.clear();
  batch_future_clamped_ = 0;
  batch_vanished_ = 0;
}

redis_result<void> stream_consumer::send_read(bool may_block) {
  const std::string count = std::to_string(cfg_.ingest.batch_size);
  if (may_block) {
    // Never block past the moment the batch in hand is due: commit_interval bounds how long
    // counted events wait.
    auto block = std::chrono::duration_cast<milliseconds>(cfg_.ingest.block);
    if (!batch_.empty()) {
      const auto left = std::chrono::duration_cast<milliseconds>(
          batch_started_ + cfg_.ingest.commit_interval - clock::now());
      block = std::clamp(left, milliseconds(1), block);
    }
    const std::string block_ms = std::to_string(block.count());
    if (auto sent = connection_->append({"XREADGROUP", "GROUP", cfg_.ingest.group,
                                         cfg_.ingest.consumer_name, "COUNT", count, "BLOCK",
                                         block_ms, "STREAMS", stream_, ">"});
        !sent) {
      return sent;
    }
  } else if (auto sent = connection_->append({"XREADGROUP", "GROUP", cfg_.ingest.group,
                                              cfg_.ingest.consumer_name, "COUNT", count, "STREAMS",
                                              stream_, ">"});
             !sent) {
    return sent;
  }
  outstanding_.push_back(outstanding::read);
  ++reads_in_flight_;
  return {};
}

redis_result<void> stream_consumer::top_up_reads() {
  bool sent_any = false;
  while (reads_in_flight_ < read_ahead_ && !stop_requested()) {
    if (auto sent = send_read(false); !sent) return sent;
    sent_any = true;
  }
  return sent_any ? connection_->flush() : redis_result<void>{};
}

redis_result<void> stream_consumer::receive_one() {
  const auto kind = outstanding_.front();
  // Reads are kept as parsed (entries_ views into them); nothing else is large.
  auto reply = connection_->read_reply_tree();
  if (!reply) return reply.error();
  outstanding_.pop_front();
  switch (kind) {
    case outstanding::read: {
      --reads_in_flight_;
      if (reply->root().is_error()) {
        return error_reply("XREADGROUP", to_redis_reply(reply->root()));
      }
      // After a stale commit everything read is dropped: still pending, it is re-read.
      if (!recovering_) received_.push_back(std::move(*reply));
      return {};
    }
    case outstanding::commit:
      commit_in_flight_ = false;
      return finish_commit(to_redis_reply(reply->root()));
  }
  return {};
}

redis_result<void> stream_consumer::receive_all() {
  while (!outstanding_.empty()) {
    if (auto received = receive_one(); !received) return received;
  }
  return {};
}

void stream_consumer::wait_backoff() {
  const auto delay = backoff_.on_failure();
  std::unique_lock lock(wait_mutex_);
  wait_.wait_for(lock, delay, [this] { return stop_.load(); });
}

bool stream_consumer::commit_due(clock::time_point now) const noexcept {
  if (batch_.empty()) return false;
  return batch_.entries() >= static_cast<std::size_t>(cfg_.ingest.commit_max_events) ||
         batch_.paths() >= k_commit_max_paths ||
         now - batch_started_ >= cfg_.ingest.commit_interval;
}

redis_result<void> stream_consumer::step() {
  if (auto sampled = sample_memory(); !sampled) return sampled;
  if (memory_.paused()) return wait_for_memory();
  if (recovering_) {
    // Own pending entries are read with plain commands: nothing may be outstanding.
    if (auto received = receive_all(); !received) return received;
    if (auto read = read_own_pending(); !read) return read;
  } else {
    if (clock::now() >= next_reclaim_) {
      if (auto reclaimed = reclaim(); !reclaimed) return reclaimed;
    }
    if (!commit_due(clock::now()) && !stop_requested()) {
      if (auto read = read_new(); !read) return read;
    }
  }
  if (commit_due(clock::now())) {
    if (auto committed = commit(); !committed) return committed;
  }
  return sweep_and_sample();
}

redis_result<void> stream_consumer::sweep_and_sample() {
  const auto now = clock::now();
  if (now >= next_sweep_) {
    if (auto swept = sweep(); !swept) return swept;
    next_sweep_ = now + sweep_interval(windows_);
  }
  if (now >= next_group_sample_) {
    if (auto sampled = sample_group_state(); !sampled) return sampled;
    next_group_sample_ = now + k_group_sample_interval;
  }
  return {};
}

redis_result<void> stream_consumer::read_own_pending() {
  const std::string count = std::to_string(cfg_.ingest.batch_size);
  auto reply =
      connection_->command({"XREADGROUP", "GROUP", cfg_.ingest.group, cfg_.ingest.consumer_name,
                            "COUNT", count, "STREAMS", stream_, pending_cursor_});
  if (!reply) return reply.error();
  if (reply->is_error()) return error_reply("XREADGROUP of own pending entries", *reply);
  if (!parse_xreadgroup_reply(*reply, entries_)) {
    return error_reply("unexpected XREADGROUP reply", *reply);
  }
  if (entries_.empty()) {
    recovering_ = false;  // caught up: from now on, new entries
    return {};
  }
  pending_cursor_ = std::string(entries_.back().id);
  return process(entries_);
}

redis_result<void> stream_consumer::read_new() {
  if (received_.empty() && reads_in_flight_ == 0) {
    if (auto sent = send_read(true); !sent) return sent;
    if (auto flushed = connection_->flush(); !flushed) return flushed;
  }
  while (received_.empty()) {
    if (outstanding_.empty() || recovering_) return {};  // a stale commit: recover first
    if (auto received = receive_one(); !received) return received;
  }
  current_read_ = std::move(received_.front());
  received_.pop_front();
  if (!parse_xreadgroup_reply(current_read_.root(), entries_)) {
    return error_reply("unexpected XREADGROUP reply", to_redis_reply(current_read_.root()));
  }
  // A full read says more is waiting: keep reads in flight while this one is decoded.
  backlog_ = entries_.size() >= static_cast<std::size_t>(cfg_.ingest.batch_size);
  if (backlog_) {
    if (auto topped = top_up_reads(); !topped) return topped;
  }
  return process(entries_);
}

redis_result<void> stream_consumer::reclaim() {
  const std::string idle =
      std::to_string(std::chrono::duration_cast<milliseconds>(cfg_.ingest.reclaim_idle).count());
  const std::string count = std::to_string(cfg_.ingest.batch_size);
  auto reply = lookup_->command({"XAUTOCLAIM", stream_, cfg_.ingest.group,
                                 cfg_.ingest.consumer_name, idle, reclaim_cursor_, "COUNT", count});
  if (!reply) return reply.error();
  if (reply->is_error()) return error_reply("XAUTOCLAIM", *reply);
  autoclaim_page page;
  if (!parse_xautoclaim_reply(*reply, page))
    return error_reply("unexpected XAUTOCLAIM reply", *reply);
  reclaim_cursor_ = page.next_cursor;
  // A full scan of the pending list ends with cursor 0-0; the next starts half a reclaim_idle
  // later, so an abandoned entry waits at most 1.5 x reclaim_idle.
  if (reclaim_cursor_ == "0-0") {
    next_reclaim_ =
        clock::now() +
        std::max(milliseconds(500),
                 std::chrono::duration_cast<milliseconds>(cfg_.ingest.reclaim_idle) / 2);
  }
  // An entry we already hold (ours, idle that long only if commits kept failing or reads ahead
  // waited that long) is not added twice.
  std::vector<stream_entry_view> ahead;
  std::vector<stream_id> ahead_ids;
  if (!page.entries.empty()) {
    for (const auto& read : received_) {
      if (!parse_xreadgroup_reply(read.root(), ahead)) continue;
      for (const auto& entry : ahead)
        ahead_ids.push_back(entry.parsed_id);
    }
  }
  std::erase_if(page.entries, [&](const auto& entry) {
    return batch_.holds_entry(entry.parsed_id) || committing_.holds_entry(entry.parsed_id) ||
           std::find(ahead_ids.begin(), ahead_ids.end(), entry.parsed_id) != ahead_ids.end();
  });
  if (page.entries.empty()) return {};
  metrics_.reclaimed->Increment(static_cast<double>(page.entries.size()));
  log_info("ingest: reclaimed idle entries from another consumer",
           {{"stream", stream_}, {"entries", page.entries.size()}});
  return process(page.entries);
}

redis_result<void> stream_consumer::process(const std::vector<stream_entry_view>& entries) {
  if (entries.empty()) return {};
  read_at_ = clock::now();
  metrics_.entries_read->Increment(static_cast<double>(entries.size()));
  if (batch_.empty()) batch_started_ = clock::now();
  const std::int64_t now_ms = unix_now_ms();
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (auto processed = process_entry(entries[i], now_ms); !processed) return processed;
    // A batch that reached k_commit_max_paths (events naming many distinct fields) is committed
    // at once, before the rest of the read: a commit script's work grows with its paths.
    if (batch_.paths() >= k_commit_max_paths && i + 1 < entries.size()) {
      unprocessed_ = entries.size() - i - 1;
      auto committed = commit();
      unprocessed_ = 0;
      if (!committed) return committed;
      // The commit before it was stale: this read's entries are re-read with the rest.
      if (!commit_in_flight_) return {};
      batch_started_ = clock::now();
    }
  }
  return {};
}

redis_result<void> stream_consumer::process_entry(const stream_entry_view& entry,
                                                  std::int64_t now_ms) {
  batch_.add_entry(entry.parsed_id);
  if (entry.deleted) {
    ++batch_vanished_;
    return {};
  }
  if (const auto bytes = entry_bytes(entry); bytes > cfg_.ingest.max_event_bytes) {
    dead_letter(entry, decode_reason::too_large,
                "the entry is " + std::to_string(bytes) +
                    " bytes, more than ingest.max_event_bytes (" +
                    std::to_string(cfg_.ingest.max_event_bytes) + "); send a smaller filter");
    return {};
  }
  const auto entry_ms = static_cast<std::int64_t>(entry.parsed_id.ms);
  if (auto failure = decoder_->decode(entry.fields, entry_ms, event_)) {
    dead_letter(entry, failure->reason, std::move(failure->message));
    return {};
  }
  auto resolved = resolver_.resolve(*lookup_, event_.namespace_ref, read_at_);
  if (!resolved) return resolved.error();
  const std::string* namespace_id = *resolved;
  if (namespace_id == nullptr) {
    if (auto checked = check_registry(event_.namespace_ref); !checked) return checked;
    dead_letter(entry, decode_reason::unknown_namespace,
                "no namespace has the id or name \"" + event_.namespace_ref +
                    "\"; create it, or send an existing namespace's id or name");
    return {};
  }
  std::int64_t ts = event_.ts_ms;
  const auto skew = std::chrono::duration_cast<milliseconds>(cfg_.ingest.future_skew).count();
  if (ts > now_ms + skew) {
    // A producer clock running ahead would otherwise park counts in buckets that only enter
    // the window later; the event is counted as happening now.
    ts = now_ms;
    ++batch_future_clamped_;
  }
  const std::string_view ns = *namespace_id;
  const auto steady_now = clock::now();
  batch_.add_event(ns, event_, ts, now_ms, raw_filter_of(entry),
                   [&](std::string_view ns_id, std::string_view path) {
                     return samples_.wants(ns_id, path, steady_now);
                   });
  return {};
}

void stream_consumer::dead_letter(const stream_entry_view& entry, decode_reason reason,
                                  std::string message) {
  batch_.add_dead_letter(make_dead_letter(entry.id, entry.fields, reason, std::move(message),
                                          cfg_.ingest.max_event_bytes));
}

redis_result<void> stream_consumer::check_registry(std::string_view unknown_ref) {
  const auto now = clock::now();
  if (now < next_registry_check_) return {};
  next_registry_check_ = now + k_registry_check_interval;
  auto size = resolver_.registry_size(*lookup_);
  if (!size) return size.error();
  if (*size == 0) data_loss_.registry_empty(stream_, unknown_ref);
  return {};
}

redis_result<void> stream_consumer::sample_memory() {
  const auto now = clock::now();
  if (memory_info_refused_ || now < next_memory_sample_) return {};
  auto reply = lookup_->command({"INFO", "memory"});
  if (!reply) return reply.error();
  next_memory_sample_ = now + memory_.policy().interval;
  const auto text = reply->to_optional_string();
  const auto sample = text ? parse_info_memory(*text) : std::nullopt;
  if (!sample) {
    memory_info_refused_ = true;
    memory_.unavailable(describe(*reply));
    return {};
  }
  memory_.observe(*sample);
  next_memory_sample_ = now + next_sample_in(*sample, memory_.policy());
  return {};
}

redis_result<void> stream_consumer::wait_for_memory() {
  // The commit in flight (sent before the pause) finishes and the reads in flight are taken in;
  // nothing new is read or committed. Sweeping goes on (it frees memory), and so does sampling
  // the group, whose growing lag shows the pause.
  if (auto received = receive_all(); !received) return received;
  if (auto done = sweep_and_sample(); !done) return done;
  const auto now = clock::now();
  // Until this consumer's next sample (another consumer's may have paused the guard: never
  // sooner than the shortest sampling interval).
  const auto until = std::max(next_memory_sample_, now + memory_.policy().interval_near);
  std::unique_lock lock(wait_mutex_);
  wait_.wait_until(lock, until, [this] { return stop_.load(); });
  return {};
}

redis_result<void> stream_consumer::commit() {
  if (batch_.empty()) return {};
  // At most one commit in flight: the previous outcome decides whether this batch still counts
  // and what the writer sums hold. It was sent before every read still in flight, so it arrives
  // without waiting for them.
  const bool was_recovering = recovering_;
  while (commit_in_flight_) {
    if (auto received = receive_one(); !received) return received;
  }
  if ((recovering_ && !was_recovering) || batch_.empty()) return {};  // the previous was stale
  // Encoding takes a while (about 1.8 ms per 5000 events): with a backlog, Redis serves reads
  // meanwhile instead of waiting for the script.
  if (backlog_ && !recovering_) {
    if (auto topped = top_up_reads(); !topped) return topped;
  }
  auto request = batch_.encode(target_, -1, &sums_);
  // Then every read in flight is taken in before the commit goes out: the script compares the
  // consumer's pending count with all it holds, so the consumer must know what they returned;
  // and Redis writes replies only between event-loop turns, so a read queued behind the script
  // would reach us only after it ended. Taken in now, they are what this thread decodes while
  // the script runs.
  if (auto received = receive_all(); !received) return received;
  // What this consumer holds besides the batch: the rest of the read being processed and the
  // reads taken in. Once its whole pending list has been read, the batch and these are all of it
  // unless something took entries away, which the script's count then tells; while it is still
  // re-reading that list it cannot tell (-1), and the script walks the batch's ids.
  std::int64_t held_elsewhere = static_cast<std::int64_t>(unprocessed_);
  for (const auto& read : received_)
    held_elsewhere += static_cast<std::int64_t>(xreadgroup_entry_count(read.root()));
  set_held_elsewhere(request, recovering_ ? -1 : held_elsewhere);
  log_debug("ingest: committing", {{"stream", stream_},
                                   {"entries", batch_.entries()},
                                   {"keys", request.keys.size()},
                                   {"args", request.args.size()}});
  if (auto sent = append_commit(*connection_, request); !sent) return sent;
  if (auto flushed = connection_->flush(); !flushed) return flushed;
  outstanding_.push_back(outstanding::commit);
  commit_in_flight_ = true;
  commit_sent_ = clock::now();
  std::swap(batch_, committing_);
  committing_future_clamped_ = std::exchange(batch_future_clamped_, 0);
  committing_vanished_ = std::exchange(batch_vanished_, 0);
  discard_batch();
  return {};
}

redis_result<void> stream_consumer::finish_commit(const redis_reply& reply) {
  auto outcome = parse_commit_reply(reply);
  if (!outcome) return outcome.error();
  if (outcome->fenced) {
    // Another process has connected with our consumer name since we did: it owns the name's
    // pending entries now. Reconnecting takes the name back (and makes the other one reconnect),
    // so both keep counting exactly, slowly, until the configuration is fixed.
    metrics_.fenced_commits->Increment();
    log_error(
        "ingest: another process consumes this stream under the same ingest.consumer_name; "
        "nothing was applied. Give every instance its own consumer name",
        {{"stream", stream_}, {"consumer", cfg_.ingest.consumer_name}});
    return redis_error{redis_errc::conflict,
                       "another process took over consumer name " + cfg_.ingest.consumer_name};
  }
  switch (outcome->ownership) {
    case ownership_check::by_count:
      metrics_.checked_by_count->Increment();
      break;
    case ownership_check::by_walk:
      metrics_.checked_by_walk->Increment();
      break;
    case ownership_check::mismatch:
      metrics_.check_mismatches->Increment();
      break;
  }
  if (outcome->ownership == ownership_check::mismatch) {
    log_error(
        "ingest: the consumer's pending count matched what it held, yet some entries of the batch "
        "were no longer pending: something outside the daemon (an XCLAIM naming this consumer, "
        "XACK by hand) changed its pending list. The batch was applied; counts may be off by "
        "the missing entries",
        {{"stream", stream_},
         {"consumer", cfg_.ingest.consumer_name},
         {"missing", static_cast<std::int64_t>(committing_.entries()) - outcome->acked}});
  }
  if (!outcome->applied) {
    metrics_.stale_commits->Increment();
    log_warn(
        "ingest: another consumer reclaimed an entry of the batch; nothing was applied, "
        "re-reading this consumer's pending entries",
        {{"stream", stream_}, {"entry", outcome->stale_id}});
    // Everything read after the lost batch is still pending for us: re-read in order from the
    // pending list, with the rest.
    committing_.clear();
    discard_batch();
    received_.clear();
    recovering_ = true;
    pending_cursor_ = "0";
    return {};
  }
  // From sending to the outcome: with pipelining this includes the reads queued before it.
  const double seconds = std::chrono::duration<double>(clock::now() - commit_sent_).count();
  metrics_.commit_seconds->Observe(seconds);
  metrics_.commit_entries->Observe(static_cast<double>(committing_.entries()));
  metrics_.events_counted->Increment(static_cast<double>(committing_.counted_events()));
  if (committing_.counted_events() > 0) data_loss_.counting();
  for (const auto& dead : committing_.dead_letters())
    metrics_.dead_letter(dead.reason).Increment();
  for (std::size_t w = 0; w < 2; ++w) {
    const auto late = committing_.late_events()[w] + outcome->late_events[w];
    if (late > 0) metrics_.late_events[w]->Increment(static_cast<double>(late));
  }
  if (committing_future_clamped_ > 0) {
    metrics_.future_clamped->Increment(static_cast<double>(committing_future_clamped_));
  }
  if (committing_vanished_ > 0) {
    metrics_.vanished->Increment(static_cast<double>(committing_vanished_));
  }
  committing_.update_sums(sums_, outcome->synced_buckets, outcome->kept_buckets);
  if (!outcome->field_caps.empty()) {
    report_field_caps(outcome->field_caps, metrics_, stream_, cfg_.ingest.max_fields_per_namespace,
                      cap_log_, clock::now());
  }
  // Buckets closed for a while are folded by the sweeper (which deletes their logs): their sums
  // go, keeping memory to a few buckets per namespace.
  const auto& decision = windows_[0];
  sums_.forget_before(decision.bucket_start(unix_now_ms()) - 2 * decision.bucket_ms -
                      fold_delay(cfg_).count());
  const auto now = clock::now();
  for (const auto& [ns, path] : committing_.samples())
    samples_.record(ns, path, now);
  committing_.clear();
  committing_future_clamped_ = 0;
  committing_vanished_ = 0;
  return {};
}

redis_result<void> stream_consumer::sweep() {
  auto swept = sweep_windows(*lookup_, cfg_.redis.key_prefix, stream_, windows_, fold_delay(cfg_));
  if (!swept) return swept.error();
  if (swept->folded > 0) metrics_.folded_buckets->Increment(static_cast<double>(swept->folded));
  for (std::size_t w = 0; w < 2; ++w) {
    if (swept->expired[w] > 0) {
      metrics_.swept_buckets[w]->Increment(static_cast<double>(swept->expired[w]));
    }
  }
  return {};
}

redis_result<void> stream_consumer::sample_group_state() {
  auto reply = lookup_->command({"XINFO", "GROUPS", stream_});
  if (!reply) return reply.error();
  if (!reply->is_array()) return {};  // the stream vanished: the next read recreates it
  for (const auto& group : reply->as_array()) {
    if (!group.is_array()) continue;
    const auto& kv = group.as_array();
    std::optional<std::string> name;
    std::optional<long long> pending;
    std::optional<long long> lag;
    for (std::size_t i = 0; i + 1 < kv.size(); i += 2) {
      const auto key = kv[i].to_optional_string();
      if (key == "name") name = kv[i + 1].to_optional_string();
      if (key == "pending") pending = kv[i + 1].to_integer();
      if (key == "lag") lag = kv[i + 1].to_integer();  // nil when Redis cannot tell
    }
    if (name != cfg_.ingest.group) continue;
    if (pending) metrics_.pending->Set(static_cast<double>(*pending));
    if (lag) metrics_.lag->Set(static_cast<double>(*lag));
  }
  return {};
}

}  // namespace index_optimizer
