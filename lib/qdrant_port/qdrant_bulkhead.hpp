#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <optional>

// The bulkhead in front of Qdrant: at most `limit` threads may wait on Qdrant at once, so a
// hanging Qdrant holds that many HTTP workers at most and the rest keep serving reads and
// Redis-only routes. A thread that cannot get a place is refused at once; it never queues.
namespace index_optimizer::qdrant {

class qdrant_bulkhead {
 public:
  // A place, held by one thread. A thread that already holds a place of this bulkhead gets a
  // nested one that costs nothing, so a sequence of calls (a namespace change: index PUTs, a
  // read-back, undoing) reserves one place up front and the calls inside it run in it. Must be
  // released on the thread that took it; move-only.
  class place {
   public:
    place() noexcept = default;
    place(place&& other) noexcept;
    place& operator=(place&& other) noexcept;
    place(const place&) = delete;
    place& operator=(const place&) = delete;
    ~place();

   private:
    friend class qdrant_bulkhead;
    explicit place(qdrant_bulkhead* owner) noexcept : owner_(owner) {}
    void release() noexcept;
    qdrant_bulkhead* owner_ = nullptr;  // null: nested or empty
  };

  // `on_change` (optional) is told +1 when a place is taken and -1 when it is given back (a
  // gauge of places in use).
  explicit qdrant_bulkhead(std::size_t limit,
                           std::function<void(int delta)> on_change = {}) noexcept
      : limit_(limit == 0 ? 1 : limit), on_change_(std::move(on_change)) {}
  qdrant_bulkhead(const qdrant_bulkhead&) = delete;
  qdrant_bulkhead& operator=(const qdrant_bulkhead&) = delete;

  // A place, or nullopt when `limit` other threads hold one.
  std::optional<place> try_enter();

  std::size_t in_use() const noexcept { return in_use_.load(); }
  std::size_t limit() const noexcept { return limit_; }
  bool held_by_this_thread() const noexcept;

 private:
  void changed(int delta) const;

  const std::size_t limit_;
  const std::function<void(int)> on_change_;
  std::atomic<std::size_t> in_use_{0};
};

}  // namespace index_optimizer::qdrant
