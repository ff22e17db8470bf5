#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "support/http_client.hpp"
#include "support/process.hpp"

namespace index_optimizer::testing {

// A config's `auth:` section with one key, `dev-admin-key`, holding every permission; and the
// headers that present it.
inline constexpr const char* k_dev_admin_auth_yaml =
    "auth:\n  keys:\n    - name: admin\n"
    "      sha256: df76ff796f70d2c9cb055ea6280553caa27eda26b70e01082c160de75a05a4a9\n"
    "      permissions: [admin]\n";
inline const std::map<std::string, std::string> k_dev_admin_headers = {
    {"Authorization", "Bearer dev-admin-key"}};

// The real index-optimizer binary, started with a config written to a temporary file. The
// config text gets `http.port` / `redis.url` through environment overrides, so tests write only
// the keys they care about.
class daemon_process {
 public:
  struct options {
    std::string config_yaml;  // may be empty: defaults apply
    std::string redis_url;
    std::map<std::string, std::string> env;
    bool wait_ready = true;  // wait until /healthz answers
  };
  explicit daemon_process(options opts);
  daemon_process(std::string config_yaml, std::string redis_url,
                 std::map<std::string, std::string> env = {})
      : daemon_process(
            options{std::move(config_yaml), std::move(redis_url), std::move(env), true}) {}
  ~daemon_process();

  unsigned short port() const { return port_; }
  child_process& process() { return *process_; }
  const std::filesystem::path& config_path() const { return config_path_; }
  std::string output() const { return process_->output(); }

  http_result get(const std::string& target,
                  const std::map<std::string, std::string>& headers = {});
  http_result request(const std::string& method, const std::string& target,
                      const std::string& body = {},
                      const std::map<std::string, std::string>& headers = {});

  // Polls /healthz until the daemon answers HTTP (or the deadline passes); throws with the daemon's
  // output if it never does.
  void wait_healthy(std::chrono::milliseconds deadline = std::chrono::seconds(30));

 private:
  temp_dir dir_;
  std::filesystem::path config_path_;
  unsigned short port_;
  std::unique_ptr<child_process> process_;
};

}  // namespace index_optimizer::testing
