#include "ops/process_collector.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>

namespace index_optimizer {
namespace {

std::optional<double> metric_value(const std::vector<prometheus::MetricFamily>& families,
                                   const std::string& name) {
  for (const auto& f : families) {
    if (f.name != name || f.metric.empty()) continue;
    return f.type == prometheus::MetricType::Counter ? f.metric[0].counter.value
                                                     : f.metric[0].gauge.value;
  }
  return std::nullopt;
}

// What Prometheus's own client libraries compute: /proc/stat's btime plus the process's start
// (field 22 of /proc/self/stat, in clock ticks since boot).
std::optional<double> start_time_from_proc_stat() {
  std::ifstream stat("/proc/stat");
  std::string key;
  double btime = -1;
  while (stat >> key) {
    if (key == "btime") {
      stat >> btime;
      break;
    }
    stat.ignore(1 << 16, '\n');
  }
  if (btime < 0) return std::nullopt;
  std::ifstream self("/proc/self/stat");
  const std::string text((std::istreambuf_iterator<char>(self)), std::istreambuf_iterator<char>());
  std::istringstream fields(text.substr(text.rfind(')') + 2));
  std::string field;
  for (int i = 3; i <= 22 && fields >> field; ++i) {
  }
  return btime + std::stod(field) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

TEST(ProcessCollector, StartTimeAgreesWithProcStatWithoutReadingIt) {
  const auto expected = start_time_from_proc_stat();
  if (!expected) GTEST_SKIP() << "/proc/stat is not readable here";
  const auto start = metric_value(process_collector{}.Collect(), "process_start_time_seconds");
  ASSERT_TRUE(start.has_value());
  // btime is whole seconds; the collector's boot time is exact, so they differ by under 1 s.
  EXPECT_NEAR(*start, *expected, 1.0);
}

TEST(ProcessCollector, StartTimeIsNotInTheFuture) {
  const auto start = metric_value(process_collector{}.Collect(), "process_start_time_seconds");
  ASSERT_TRUE(start.has_value());
  const double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_LE(*start, now);
  EXPECT_GT(*start, 1.7e9);
}

TEST(ProcessCollector, ExportsTheStandardProcessMetrics) {
  const auto families = process_collector{}.Collect();
  for (const char* name : {"process_cpu_seconds_total", "process_resident_memory_bytes",
                           "process_virtual_memory_bytes", "process_open_fds", "process_max_fds",
                           "process_start_time_seconds"}) {
    EXPECT_TRUE(metric_value(families, name).has_value()) << name;
  }
  EXPECT_GT(*metric_value(families, "process_open_fds"), 0);
}

}  // namespace
}  // namespace index_optimizer
