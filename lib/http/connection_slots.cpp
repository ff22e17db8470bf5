#include "http/connection_slots.hpp"

#include <algorithm>

namespace index_optimizer::http {

slot_limits split_connection_limit(std::size_t max_connections, std::size_t reserved) {
  const std::size_t reserve = std::min(reserved, max_connections / 2);
  return {max_connections - reserve, reserve};
}

admission connection_slots::admit(connection_id id) {
  admission a;
  for (const auto kind : {slot_kind::general, slot_kind::reserve}) {
    const std::size_t capacity = kind == slot_kind::general ? limits_.general : limits_.reserve;
    if (held(kind) < capacity) {
      a.result = admission::outcome::admitted;
      a.slot = kind;
      break;
    }
    if (auto evicted = evict_idle_longest(kind)) {
      a.result = admission::outcome::admitted;
      a.slot = kind;
      a.evicted = evicted;
      break;
    }
  }
  if (a.result == admission::outcome::admitted) hold_idle(id, a.slot);
  return a;
}

bool connection_slots::mark_busy(connection_id id) {
  const auto it = holders_.find(id);
  if (it == holders_.end()) return false;
  if (it->second.idle) {
    idle_order(it->second.slot).erase(it->second.idle_position);
    it->second.idle = false;
  }
  return true;
}

void connection_slots::mark_idle(connection_id id) {
  const auto it = holders_.find(id);
  if (it == holders_.end() || it->second.idle) return;
  auto& order = idle_order(it->second.slot);
  it->second.idle_position = order.insert(order.end(), id);
  it->second.idle = true;
}

void connection_slots::release(connection_id id) {
  const auto it = holders_.find(id);
  if (it == holders_.end()) return;
  if (it->second.idle) idle_order(it->second.slot).erase(it->second.idle_position);
  --(it->second.slot == slot_kind::general ? general_held_ : reserve_held_);
  holders_.erase(it);
}

std::size_t connection_slots::held(slot_kind kind) const {
  return kind == slot_kind::general ? general_held_ : reserve_held_;
}

std::size_t connection_slots::idle(slot_kind kind) const {
  return kind == slot_kind::general ? idle_general_.size() : idle_reserve_.size();
}

void connection_slots::hold_idle(connection_id id, slot_kind kind) {
  auto& order = idle_order(kind);
  holders_.emplace(id, holder{kind, true, order.insert(order.end(), id)});
  ++(kind == slot_kind::general ? general_held_ : reserve_held_);
}

std::optional<connection_id> connection_slots::evict_idle_longest(slot_kind kind) {
  auto& order = idle_order(kind);
  if (order.empty()) return std::nullopt;
  const connection_id oldest = order.front();
  release(oldest);
  return oldest;
}

}  // namespace index_optimizer::http
