#include "support/redis_server.hpp"

#include <signal.h>
#include <stdio.h>

#include <array>
#include <stdexcept>

#include "support/wait.hpp"

namespace index_optimizer::testing {
namespace {
std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}
}  // namespace

redis_server::redis_server() : redis_server(options{}) {}

redis_server::redis_server(options opts) : options_(opts), port_(pick_free_port()) {
  start();
}

redis_server::~redis_server() {
  stop();
}

redis_endpoint redis_server::endpoint() const {
  redis_endpoint endpoint;
  endpoint.host = "127.0.0.1";
  endpoint.port = port_;
  endpoint.password = options_.requirepass;
  return endpoint;
}

void redis_server::start() {
  if (process_) return;
  std::vector<std::string> args = {"--port",        std::to_string(port_),
                                   "--bind",        "127.0.0.1",
                                   "--dir",         dir_.path().string(),
                                   "--save",        "",
                                   "--appendonly",  options_.append_only ? "yes" : "no",
                                   "--appendfsync", "always"};
  if (!options_.requirepass.empty()) {
    args.insert(args.end(), {"--requirepass", options_.requirepass});
  }
  if (options_.unix_socket) {
    args.insert(args.end(), {"--unixsocket", unix_socket_path(), "--unixsocketperm", "700"});
  }
  args.insert(args.end(), options_.extra_args.begin(), options_.extra_args.end());
  process_ = std::make_unique<child_process>("/usr/bin/redis-server", args);
  const bool up = wait_until([&] { return cli({"PING"}) == "PONG"; }, std::chrono::seconds(20));
  if (!up) {
    const std::string out = process_->output();
    process_.reset();
    throw std::runtime_error("redis-server did not start on port " + std::to_string(port_) + ": " +
                             out);
  }
}

void redis_server::stop() {
  process_.reset();
}

void redis_server::shutdown() {
  if (!process_) return;
  process_->send_signal(SIGTERM);
  process_->wait_for_exit(std::chrono::seconds(20));
  process_.reset();
}

std::string redis_server::cli(const std::vector<std::string>& args) const {
  std::string command = "/usr/bin/redis-cli -p " + std::to_string(port_);
  if (!options_.requirepass.empty()) {
    command += " --no-auth-warning -a " + shell_quote(options_.requirepass);
  }
  for (const auto& a : args)
    command += " " + shell_quote(a);
  command += " 2>&1";
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  std::array<char, 4096> buffer{};
  size_t n = 0;
  while ((n = ::fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
    out.append(buffer.data(), n);
  ::pclose(pipe);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r'))
    out.pop_back();
  return out;
}

}  // namespace index_optimizer::testing
