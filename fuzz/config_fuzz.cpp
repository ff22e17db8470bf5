// Fuzz target: the config loader. Input: optional `INDEX_OPTIMIZER_...=value` lines (environment
// overrides), then the YAML text of the config file. Whatever the text, loading returns a config
// or throws config_error; anything else escaping is a bug.
//
// The YAML is loaded from a file in a private directory holding a few secret files, so relative
// *_file keys exercise the secret reading without touching anything else: inputs whose *_file
// values contain '/' (which could name /dev/tty or a FIFO and block) are skipped.

#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <string_view>
#include <system_error>

#include "config/config.hpp"
#include "fuzz_entry_points.hpp"

namespace index_optimizer::fuzz {
namespace {

using env_map = std::map<std::string, std::string>;

// The private directory; removed at exit.
class sandbox {
 public:
  sandbox() {
    const auto base = std::filesystem::temp_directory_path() / "index-optimizer-config-fuzz.XXXXXX";
    std::string name = base.string();
    require(::mkdtemp(name.data()) != nullptr, "cannot create the config fuzz sandbox");
    dir_ = name;
    write("secret", "s3cret-value\n");
    write("empty", "");
    write("newlines", "\n\r\n");
    write("big", std::string(70 * 1024, 'k'));
    write("ca.pem", "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n");
  }
  ~sandbox() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  sandbox(const sandbox&) = delete;
  sandbox& operator=(const sandbox&) = delete;

  std::filesystem::path config_file(std::string_view yaml) const {
    const auto path = dir_ / "index-optimizer.yaml";
    write("index-optimizer.yaml", yaml);
    return path;
  }

 private:
  void write(const std::string& name, std::string_view text) const {
    std::ofstream out(dir_ / name, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    require(static_cast<bool>(out), "cannot write the config fuzz sandbox");
  }

  std::filesystem::path dir_;
};

bool escapes_sandbox(std::string_view file) {
  return file.find('/') != std::string_view::npos;
}

// Whether any `*_file` key anywhere in the YAML names a path outside the sandbox.
bool yaml_escapes(const YAML::Node& node) {
  if (node.IsSequence()) {
    for (const auto& item : node) {
      if (yaml_escapes(item)) return true;
    }
  } else if (node.IsMap()) {
    for (auto it = node.begin(); it != node.end(); ++it) {
      const YAML::Node key = it->first;
      const YAML::Node value = it->second;
      if (key.IsScalar() && key.Scalar().ends_with("_file") && value.IsScalar() &&
          escapes_sandbox(value.Scalar())) {
        return true;
      }
      if (yaml_escapes(key) || yaml_escapes(value)) return true;
    }
  }
  return false;
}

// Splits off the leading environment lines.
env_map take_environment(std::string_view& text) {
  env_map env;
  constexpr std::string_view k_prefix = "INDEX_OPTIMIZER_";
  while (text.starts_with(k_prefix)) {
    const auto eol = text.find('\n');
    const auto line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
    const auto eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    env[std::string(line.substr(0, eq))] = std::string(line.substr(eq + 1));
  }
  return env;
}

bool has_secret(const config& cfg) {
  return !cfg.qdrant.api_key.empty() || !cfg.redis.endpoint.password.empty();
}

void check_loaded(const config& cfg) {
  // --check-config prints this, and the operator may save it as the new config file: it must load
  // back, to the same config when no secret was redacted from it.
  const std::string rendered = render_effective_config(cfg);
  config reloaded;
  try {
    reloaded = load_config_from_string(rendered, "rendered", {});
  } catch (const config_error& error) {
    require(false,
            std::string("the rendered config does not load: ") + error.what() + "\n" + rendered);
  }
  if (!has_secret(cfg)) {
    require(reloaded == cfg, "the rendered config loads differently:\n" + rendered);
    require(describe_reload(cfg, reloaded).empty() && !requires_restart(cfg, reloaded),
            "reloading an unchanged config reports changes");
  }
  (void)config_warnings(cfg);
  (void)describe_reload(config{}, cfg);
  (void)changed_restart_keys(config{}, cfg);
}

}  // namespace

void config_text(input data) {
  static const sandbox box;
  std::string_view text = as_text(data);
  const env_map env = take_environment(text);
  for (const auto& [name, value] : env) {
    if (name.ends_with("_FILE") && escapes_sandbox(value)) return;
  }
  // Only a '/' or an escape sequence can put a '/' into a value; most inputs have neither, and
  // parsing the YAML twice would halve the speed.
  if (text.find_first_of("/\\") != std::string_view::npos) {
    try {
      if (yaml_escapes(YAML::Load(std::string(text)))) return;
    } catch (const YAML::Exception&) {
      // The loader reports it as a config_error below.
    }
  }

  config cfg;
  try {
    cfg = load_config(box.config_file(text), env);
  } catch (const config_error& error) {
    require(!error.problems().empty(), "config_error without problems");
    for (const auto& problem : error.problems()) {
      require(!problem.empty(), "config_error with an empty problem");
    }
    return;
  }
  check_loaded(cfg);
}

}  // namespace index_optimizer::fuzz

INDEX_OPTIMIZER_FUZZ_TARGET(config_text)
