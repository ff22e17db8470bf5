#include "support/event_producer.hpp"

#include <algorithm>
#include <stdexcept>

namespace index_optimizer::testing {
namespace {

using clock = std::chrono::steady_clock;

std::uint64_t unix_ms() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

// Redis's answer to an XADD whose id is not above the stream's last entry.
bool already_added(const redis_reply& reply) {
  return reply.is_error() && reply.as_string().find("equal or smaller") != std::string::npos;
}

}  // namespace

event_producer::event_producer(options opts)
    : options_(std::move(opts)),
      generator_(options_.seed, options_.namespaces, options_.field_count) {
  thread_ = std::thread([this] { run(); });
}

event_producer::~event_producer() {
  try {
    stop();
  } catch (const std::exception&) {
    // A destructor cannot report it; tests that care call stop() themselves.
  }
}

void event_producer::stop(std::chrono::milliseconds deadline) {
  if (thread_.joinable()) {
    give_up_at_.store((clock::now() + deadline).time_since_epoch().count());
    stop_.store(true);
    thread_.join();
  }
  std::lock_guard lock(error_mutex_);
  if (!error_.empty()) throw std::runtime_error("event_producer: " + error_);
}

std::string event_producer::next_id() {
  // Wall-clock milliseconds (the entry's default event time), never going back.
  const std::uint64_t now = std::max(unix_ms(), last_ms_);
  sequence_ = now == last_ms_ ? sequence_ + 1 : 0;
  last_ms_ = now;
  return std::to_string(now) + "-" + std::to_string(sequence_);
}

void event_producer::run() {
  while (!stop_.load()) {
    std::vector<redis_command> commands;
    for (std::size_t i = 0; i < options_.events_per_tick; ++i) {
      redis_command command{"XADD", options_.stream, next_id()};
      for (auto& [name, value] : generator_.next(reference_)) {
        command.push_back(std::move(name));
        command.push_back(std::move(value));
      }
      commands.push_back(std::move(command));
    }
    if (!deliver(commands)) return;
    produced_ += commands.size();
    std::this_thread::sleep_for(options_.tick);  // the pace of the query service, not a wait
  }
}

bool event_producer::deliver(const std::vector<redis_command>& commands) {
  const auto fail = [&](std::string message) {
    std::lock_guard lock(error_mutex_);
    if (error_.empty()) error_ = std::move(message);
    return false;
  };
  std::size_t done = 0;  // commands[0, done) are in the stream
  bool whole_pipeline = true;
  while (done < commands.size()) {
    const auto give_up = give_up_at_.load();
    if (give_up != 0 && clock::now().time_since_epoch().count() > give_up) {
      return fail("could not deliver an event before the stop deadline; Redis stayed away");
    }
    if (!connection_) {
      auto connected = redis_connection::connect(options_.endpoint, std::chrono::seconds(1),
                                                 options_.command_timeout);
      // A restarted Redis answers -LOADING until its data is back. Nothing is sent before it
      // answers PONG: a pipeline straddling the end of loading would have its first entries
      // refused and later ones added, and the refused ones could then never be added in order.
      if (connected) {
        auto pong = connected->command({"PING"});
        if (pong && pong->is_status("PONG")) connection_.emplace(std::move(*connected));
      }
      if (!connection_) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));  // Redis is down: retry soon
        continue;
      }
    }
    // The first attempt sends the whole batch in one round trip; after a failure each entry is
    // retried alone, so its answer tells whether the failed attempt had added it.
    if (whole_pipeline) {
      auto replies = connection_->pipeline(commands);
      if (replies) {
        for (const auto& reply : *replies) {
          if (reply.is_error()) return fail("XADD refused: " + reply.as_string());
        }
        return true;
      }
      whole_pipeline = false;
    } else {
      auto reply = connection_->command(commands[done]);
      if (reply) {
        if (reply->is_error() && !already_added(*reply)) {
          return fail("XADD refused: " + reply->as_string());
        }
        ++done;
        continue;
      }
    }
    connection_.reset();
    ++reconnects_;
  }
  return true;
}

}  // namespace index_optimizer::testing
