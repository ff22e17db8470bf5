#include "support/daemon_process.hpp"

#include <fstream>
#include <stdexcept>

#include "support/wait.hpp"

namespace index_optimizer::testing {

daemon_process::daemon_process(options opts)
    : config_path_(dir_.path() / "index-optimizer.yaml"), port_(pick_free_port()) {
  std::ofstream(config_path_) << opts.config_yaml;
  auto env = opts.env;
  env.emplace("INDEX_OPTIMIZER_HTTP_PORT", std::to_string(port_));
  if (!opts.redis_url.empty()) env.emplace("INDEX_OPTIMIZER_REDIS_URL", opts.redis_url);
  process_ = std::make_unique<child_process>(
      INDEX_OPTIMIZER_BINARY, std::vector<std::string>{"--config", config_path_.string()}, env);
  if (opts.wait_ready) wait_healthy();
}

daemon_process::~daemon_process() = default;

void daemon_process::wait_healthy(std::chrono::milliseconds deadline) {
  const bool up = wait_until(
      [&] {
        if (!process_->running()) return true;
        try {
          // Any HTTP answer means the listener is up (with auth.open_paths emptied, /healthz
          // answers 401).
          return http_request("127.0.0.1", port_, "GET", "/healthz", {}, {},
                              std::chrono::seconds(2))
                     .status != 0;
        } catch (const std::exception&) {
          return false;
        }
      },
      deadline, std::chrono::milliseconds(50));
  if (!up || !process_->running()) {
    throw std::runtime_error("index-optimizer did not become healthy:\n" + output());
  }
}

http_result daemon_process::get(const std::string& target,
                                const std::map<std::string, std::string>& headers) {
  return http_request("127.0.0.1", port_, "GET", target, {}, headers);
}

http_result daemon_process::request(const std::string& method, const std::string& target,
                                    const std::string& body,
                                    const std::map<std::string, std::string>& headers) {
  return http_request("127.0.0.1", port_, method, target, body, headers);
}

}  // namespace index_optimizer::testing
