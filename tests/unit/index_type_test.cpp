#include "base/index_type.hpp"

#include <gtest/gtest.h>

namespace index_optimizer {
namespace {

TEST(IndexType, RoundTripsEveryQdrantName) {
  for (const char* name :
       {"keyword", "integer", "float", "bool", "geo", "datetime", "text", "uuid"}) {
    const auto parsed = parse_index_type(name);
    ASSERT_TRUE(parsed.has_value()) << name;
    EXPECT_EQ(to_string(*parsed), name);
  }
}

TEST(IndexType, RejectsUnknownNames) {
  EXPECT_FALSE(parse_index_type("unknown").has_value());
  EXPECT_FALSE(parse_index_type("Keyword").has_value());
  EXPECT_FALSE(parse_index_type("").has_value());
}

}  // namespace
}  // namespace index_optimizer
