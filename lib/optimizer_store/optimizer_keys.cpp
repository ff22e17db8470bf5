#include "optimizer_store/optimizer_keys.hpp"

namespace index_optimizer {

optimizer_keys::optimizer_keys(std::string prefix) : base_(std::move(prefix) + "{opt}:") {}

std::string optimizer_keys::lease() const {
  return base_ + "lease";
}

std::string optimizer_keys::fence() const {
  return base_ + "fence";
}

std::string optimizer_keys::next_run() const {
  return base_ + "next_run_at";
}

std::string optimizer_keys::runs() const {
  return base_ + "runs";
}

std::string optimizer_keys::run(std::string_view run_id) const {
  return base_ + "run:" + std::string(run_id);
}

std::string optimizer_keys::active() const {
  return base_ + "active";
}

redis_error unexpected_reply(std::string_view what, const redis_reply& reply) {
  return {redis_errc::server, std::string(what) + " answered unexpectedly: " + describe(reply)};
}

}  // namespace index_optimizer
