#include "ops/logger.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace index_optimizer {
namespace {

TEST(Logger, LogfmtQuotesOnlyWhenNeeded) {
  const auto line =
      format_log_line(log_format::logfmt, "2026-01-01T00:00:00.000Z", log_level::info, "listening",
                      {{"port", 8080}, {"address", "a b"}, {"ok", true}});
  EXPECT_EQ(line,
            "ts=2026-01-01T00:00:00.000Z level=info msg=listening port=8080 address=\"a b\" "
            "ok=true\n");
}

TEST(Logger, JsonLineIsValidJsonWithTypedValues) {
  const auto line = format_log_line(log_format::json, "t", log_level::warn, "say \"hi\"\n",
                                    {{"count", 3}, {"who", "x\ty"}});
  const auto v = boost::json::parse(line).as_object();
  EXPECT_EQ(v.at("level"), "warn");
  EXPECT_EQ(v.at("msg"), "say \"hi\"\n");
  EXPECT_EQ(v.at("count"), 3);
  EXPECT_EQ(v.at("who"), "x\ty");
}

TEST(Logger, LevelsParseAndFilter) {
  EXPECT_EQ(parse_log_level("debug"), log_level::debug);
  EXPECT_EQ(parse_log_level("warning"), log_level::warn);
  EXPECT_FALSE(parse_log_level("loud").has_value());
  configure_logging(log_level::warn, log_format::logfmt);
  EXPECT_FALSE(log_enabled(log_level::info));
  EXPECT_TRUE(log_enabled(log_level::error));
  configure_logging(log_level::info, log_format::logfmt);
}

}  // namespace
}  // namespace index_optimizer
