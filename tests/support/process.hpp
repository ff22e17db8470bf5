#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace index_optimizer::testing {

// A child process started with fork/exec, its stdout+stderr captured into a file so a failing
// test can print what the process said. The destructor kills (SIGKILL) and reaps it.
class child_process {
 public:
  child_process(const std::string& program, const std::vector<std::string>& args,
                const std::map<std::string, std::string>& extra_env = {},
                const std::filesystem::path& log_file = {});
  ~child_process();
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  pid_t pid() const { return pid_; }
  bool running();
  void send_signal(int signal);
  // Waits for exit up to `deadline`; returns the exit status (WEXITSTATUS, or 128+signal), or
  // nullopt when it is still running.
  std::optional<int> wait_for_exit(std::chrono::milliseconds deadline);
  void kill_now();
  std::string output() const;  // what the process wrote so far

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;
  std::filesystem::path log_file_;
};

// A fresh temporary directory, removed with everything inside on destruction.
class temp_dir {
 public:
  temp_dir();
  ~temp_dir();
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// A TCP port on 127.0.0.1 that was free a moment ago (bound to 0, read back, closed).
unsigned short pick_free_port();

}  // namespace index_optimizer::testing
