#include "ops/process_collector.hpp"

#include <time.h>
#include <unistd.h>

#include <sys/resource.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace index_optimizer {
namespace {

prometheus::MetricFamily gauge_family(const std::string& name, const std::string& help,
                                      prometheus::MetricType type, double value) {
  prometheus::MetricFamily family;
  family.name = name;
  family.help = help;
  family.type = type;
  prometheus::ClientMetric metric;
  if (type == prometheus::MetricType::Counter) {
    metric.counter.value = value;
  } else {
    metric.gauge.value = value;
  }
  family.metric.push_back(metric);
  return family;
}

// The kernel's own definition of /proc/stat's btime (the wall clock minus the time since boot),
// computed from clocks so the start time stays right where /proc/stat is hidden: the systemd unit
// sets ProcSubset=pid, which leaves only /proc/<pid>/ visible.
double boot_time_seconds() {
  timespec real{};
  timespec since_boot{};
  if (::clock_gettime(CLOCK_REALTIME, &real) != 0 ||
      ::clock_gettime(CLOCK_BOOTTIME, &since_boot) != 0) {
    return 0;
  }
  return static_cast<double>(real.tv_sec - since_boot.tv_sec) +
         static_cast<double>(real.tv_nsec - since_boot.tv_nsec) / 1e9;
}

}  // namespace

std::vector<prometheus::MetricFamily> process_collector::Collect() const {
  std::vector<prometheus::MetricFamily> out;
  const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
  const double page_size = static_cast<double>(::sysconf(_SC_PAGESIZE));

  std::ifstream stat_file("/proc/self/stat");
  std::string stat((std::istreambuf_iterator<char>(stat_file)), std::istreambuf_iterator<char>());
  // The command name (field 2) may contain spaces; the fields after its closing ')' are fixed.
  const auto close = stat.rfind(')');
  if (close != std::string::npos) {
    std::istringstream fields(stat.substr(close + 2));
    std::string f;
    std::vector<std::string> v;
    while (fields >> f)
      v.push_back(f);
    // v[0] is field 3 (state); utime=14, stime=15, starttime=22, vsize=23, rss=24.
    if (v.size() > 21) {
      const double utime = std::stod(v[11]);
      const double stime = std::stod(v[12]);
      const double start = std::stod(v[19]);
      const double vsize = std::stod(v[20]);
      const double rss = std::stod(v[21]);
      out.push_back(gauge_family("process_cpu_seconds_total",
                                 "Total user and system CPU time spent in seconds.",
                                 prometheus::MetricType::Counter, (utime + stime) / ticks));
      out.push_back(gauge_family(
          "process_start_time_seconds", "Start time of the process since unix epoch in seconds.",
          prometheus::MetricType::Gauge, boot_time_seconds() + start / ticks));
      out.push_back(gauge_family("process_virtual_memory_bytes", "Virtual memory size in bytes.",
                                 prometheus::MetricType::Gauge, vsize));
      out.push_back(gauge_family("process_resident_memory_bytes", "Resident memory size in bytes.",
                                 prometheus::MetricType::Gauge, rss * page_size));
    }
  }

  std::error_code ec;
  double open_fds = 0;
  for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    ++open_fds;
  }
  out.push_back(gauge_family("process_open_fds", "Number of open file descriptors.",
                             prometheus::MetricType::Gauge, open_fds));
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0) {
    out.push_back(gauge_family("process_max_fds", "Maximum number of open file descriptors.",
                               prometheus::MetricType::Gauge, static_cast<double>(limit.rlim_cur)));
  }
  return out;
}

}  // namespace index_optimizer
