#include "redis/redis_error.hpp"

namespace index_optimizer {
namespace {

class redis_error_category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "redis"; }
  std::string message(int value) const override {
    switch (static_cast<redis_errc>(value)) {
      case redis_errc::io:
        return "redis I/O error";
      case redis_errc::timeout:
        return "redis timeout";
      case redis_errc::protocol:
        return "redis protocol error";
      case redis_errc::auth:
        return "redis authentication failed";
      case redis_errc::server:
        return "redis server error";
      case redis_errc::pool_exhausted:
        return "no redis connection available in time";
      case redis_errc::conflict:
        return "redis optimistic update kept conflicting";
      case redis_errc::invalid_argument:
        return "invalid redis call";
    }
    return "unknown redis error";
  }
};

}  // namespace

const std::error_category& redis_category() noexcept {
  static const redis_error_category category;
  return category;
}

std::error_code make_error_code(redis_errc code) noexcept {
  return {static_cast<int>(code), redis_category()};
}

}  // namespace index_optimizer
