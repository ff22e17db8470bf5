#include "http/descriptor_budget.hpp"

#include <gtest/gtest.h>

namespace index_optimizer::http {
namespace {

TEST(DescriptorBudget, WarnsOnlyWhenTheLimitCannotHoldMaxConnectionsAndTheReserve) {
  EXPECT_FALSE(descriptor_limit_warning(1024, 65536));
  EXPECT_FALSE(descriptor_limit_warning(1024, 1024 + k_reserved_descriptors));
  const auto warning = descriptor_limit_warning(1024, 1024);  // Debian's default soft limit
  ASSERT_TRUE(warning);
  EXPECT_NE(warning->find("RLIMIT_NOFILE 1024"), std::string::npos) << *warning;
  EXPECT_NE(warning->find("at least 1088"), std::string::npos) << *warning;
  EXPECT_NE(warning->find("LimitNOFILE="), std::string::npos) << *warning;
}

}  // namespace
}  // namespace index_optimizer::http
