#pragma once

// Which open connection holds which of http.max_connections' slots, and which connection to
// close so that a new one can be admitted. Pure bookkeeping — no sockets, clock or locks — so
// the rule is unit-tested on its own; the server calls it under its registry mutex and carries
// out what it decides. docs/http.md ("Connection limit") documents the rule.
//
// A connection is *idle* while it waits for the first byte of a request: just accepted, or kept
// alive after its last response. It is *busy* from that first byte until its response is
// written (a request being read, handled or answered). Idle connections are kept in the order
// they became idle, so the one idle longest is the first evicted.
//
// The slots are split into general ones and a small reserve. On a reserve slot only
// auth.open_paths are served (probes and scrapes); other requests there are answered 503. A new
// connection gets, in this order:
//   1. a free general slot;
//   2. the general slot of the connection idle longest, which is closed (evicted);
//   3. a free reserve slot;
//   4. the reserve slot of the reserve connection idle longest, which is evicted;
//   5. nothing: it is refused (503).
// A busy connection is never evicted, and a connection keeps its kind of slot until it closes.
// Evicting before using the reserve keeps the reserve for when every general slot is busy, and
// gives a new client full service whenever an idle connection can make room for it.

#include <cstddef>
#include <cstdint>
#include <list>
#include <optional>
#include <unordered_map>

namespace index_optimizer::http {

using connection_id = std::uint64_t;

enum class slot_kind {
  general,  // any request is served
  reserve,  // only auth.open_paths are served; other requests get 503 and the connection closes
};

struct slot_limits {
  std::size_t general = 0;
  std::size_t reserve = 0;
};

// Splits http.max_connections into general slots and the reserve (http.reserved_connections),
// which is at most half of them, rounded down: a reserve that large would leave too few general
// slots for clients, and with max_connections 1 there is no reserve at all.
slot_limits split_connection_limit(std::size_t max_connections, std::size_t reserved);

struct admission {
  enum class outcome { admitted, refused };
  outcome result = outcome::refused;
  slot_kind slot = slot_kind::general;  // meaningful when admitted
  // The idle connection whose slot the new one takes: the caller closes it. It is no longer
  // held here (so it cannot turn busy) and releasing it later changes nothing.
  std::optional<connection_id> evicted;
};

class connection_slots {
 public:
  explicit connection_slots(slot_limits limits) : limits_(limits) {}

  // Decides for a new connection by the rule above and, unless it is refused, holds it as idle.
  // `id` must not be held already.
  admission admit(connection_id id);
  // The first byte of a request arrived. False when the connection is no longer held (it was
  // evicted): the caller closes it instead of reading on.
  [[nodiscard]] bool mark_busy(connection_id id);
  // Its response is written and it waits for its next request.
  void mark_idle(connection_id id);
  // It closed: its slot is free. Nothing happens for a connection not held (refused, evicted).
  void release(connection_id id);

  const slot_limits& limits() const { return limits_; }
  std::size_t held(slot_kind kind) const;
  std::size_t idle(slot_kind kind) const;

 private:
  struct holder {
    slot_kind slot;
    bool idle;
    std::list<connection_id>::iterator idle_position;  // valid while idle
  };

  std::list<connection_id>& idle_order(slot_kind kind) {
    return kind == slot_kind::general ? idle_general_ : idle_reserve_;
  }
  void hold_idle(connection_id id, slot_kind kind);
  // Forgets the connection idle longest on `kind`'s slots, or nullopt when none is idle.
  std::optional<connection_id> evict_idle_longest(slot_kind kind);

  slot_limits limits_;
  std::unordered_map<connection_id, holder> holders_;
  std::list<connection_id> idle_general_;  // idle longest first
  std::list<connection_id> idle_reserve_;
  std::size_t general_held_ = 0;
  std::size_t reserve_held_ = 0;
};

}  // namespace index_optimizer::http
