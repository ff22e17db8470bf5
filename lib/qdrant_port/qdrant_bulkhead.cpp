#include "qdrant_port/qdrant_bulkhead.hpp"

#include <algorithm>
#include <utility>
#include <vector>

namespace index_optimizer::qdrant {
namespace {

// The bulkheads the current thread holds a place of (a handful at most: one per client).
thread_local std::vector<const qdrant_bulkhead*> held_here;

}  // namespace

qdrant_bulkhead::place::place(place&& other) noexcept
    : owner_(std::exchange(other.owner_, nullptr)) {}

qdrant_bulkhead::place& qdrant_bulkhead::place::operator=(place&& other) noexcept {
  if (this != &other) {
    release();
    owner_ = std::exchange(other.owner_, nullptr);
  }
  return *this;
}

qdrant_bulkhead::place::~place() {
  release();
}

void qdrant_bulkhead::place::release() noexcept {
  if (owner_ == nullptr) return;
  const auto it = std::find(held_here.begin(), held_here.end(), owner_);
  if (it != held_here.end()) held_here.erase(it);
  owner_->in_use_.fetch_sub(1);
  owner_->changed(-1);
  owner_ = nullptr;
}

void qdrant_bulkhead::changed(int delta) const {
  if (on_change_) on_change_(delta);
}

bool qdrant_bulkhead::held_by_this_thread() const noexcept {
  return std::find(held_here.begin(), held_here.end(), this) != held_here.end();
}

std::optional<qdrant_bulkhead::place> qdrant_bulkhead::try_enter() {
  if (held_by_this_thread()) return place{};
  auto current = in_use_.load();
  do {
    if (current >= limit_) return std::nullopt;
  } while (!in_use_.compare_exchange_weak(current, current + 1));
  held_here.push_back(this);
  changed(+1);
  return place{this};
}

}  // namespace index_optimizer::qdrant
