#include "ops/health_registry.hpp"

namespace index_optimizer {

void health_registry::register_component(const std::string& name,
                                         std::chrono::milliseconds stall_limit) {
  std::lock_guard lock(mutex_);
  components_[name].stall_limit = stall_limit;
}

void health_registry::heartbeat(const std::string& name) {
  std::lock_guard lock(mutex_);
  auto& c = components_[name];
  c.last_heartbeat = std::chrono::steady_clock::now();
  c.last_sign_of_life = c.last_heartbeat;
  c.reported = true;
  c.started = true;
  c.failure.clear();
}

void health_registry::report_failure(const std::string& name, const std::string& detail) {
  std::lock_guard lock(mutex_);
  auto& c = components_[name];
  c.failure = detail;
  c.last_sign_of_life = std::chrono::steady_clock::now();
  c.reported = true;
}

void health_registry::add_check(const std::string& name, check_fn check) {
  std::lock_guard lock(mutex_);
  checks_.emplace_back(name, std::move(check));
}

std::vector<health_check_result> health_registry::components() const {
  std::lock_guard lock(mutex_);
  std::vector<health_check_result> out;
  const auto now = std::chrono::steady_clock::now();
  for (const auto& [name, c] : components_) {
    health_check_result r{name, true, ""};
    if (!c.started) {
      r.ok = false;
      r.detail = "not started yet";
    } else if (!c.failure.empty()) {
      r.ok = false;
      r.detail = c.failure;
    } else if (c.stall_limit.count() > 0 && now - c.last_heartbeat > c.stall_limit) {
      r.ok = false;
      r.detail =
          "no progress for " +
          std::to_string(
              std::chrono::duration_cast<std::chrono::seconds>(now - c.last_heartbeat).count()) +
          "s";
    }
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<health_check_result> health_registry::evaluate() const {
  auto out = components();
  std::vector<std::pair<std::string, check_fn>> checks;
  {
    std::lock_guard lock(mutex_);
    checks = checks_;
  }
  for (const auto& [name, check] : checks) {
    auto r = check();
    r.name = name;
    out.push_back(std::move(r));
  }
  return out;
}

bool health_registry::all_ok(const std::vector<health_check_result>& results) {
  for (const auto& r : results) {
    if (!r.ok) return false;
  }
  return true;
}

bool health_registry::alive() const {
  std::lock_guard lock(mutex_);
  const auto now = std::chrono::steady_clock::now();
  for (const auto& [name, c] : components_) {
    if (!c.reported) return false;
    if (c.stall_limit.count() > 0 && now - c.last_sign_of_life > c.stall_limit) return false;
  }
  return true;
}

}  // namespace index_optimizer
