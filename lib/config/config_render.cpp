// Everything that turns a loaded config back into text: --check-config output, startup warnings
// and SIGHUP reload descriptions. All of it walks the key table, so a new key shows up here
// without further code.

#include <arpa/inet.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <map>

#include "config/config.hpp"
#include "config/key_table.hpp"

namespace index_optimizer {
namespace {

using config_detail::config_value;
using config_detail::format_value;

constexpr std::string_view k_redacted = "<redacted>";

// The value as it may be shown: secrets replaced, redis.url without its password.
config_value shown_value(const config_detail::key_binding& binding, const config& cfg) {
  config_value value = binding.load(cfg, binding.info);
  if (auto* text = std::get_if<std::string>(&value)) {
    if (binding.info.section == "qdrant" && binding.info.name == "api_key" &&
        !cfg.qdrant.api_key_file.empty()) {
      // The key came from api_key_file, which is rendered too: showing it here as well would make
      // the output a config the loader rejects (the key set in two places).
      text->clear();
    } else if (binding.info.secret && !text->empty()) {
      *text = std::string(k_redacted);
    } else if (binding.info.section == "redis" && binding.info.name == "url") {
      *text = redact_redis_url(*text);
    }
  }
  return value;
}

void emit_value(YAML::Emitter& out, const key_info& info, const config_value& value) {
  switch (info.kind) {
    case value_kind::boolean:
    case value_kind::integer:
      out << format_value(info, value);
      break;
    case value_kind::size:
    case value_kind::duration:
    case value_kind::choice:
      out << YAML::DoubleQuoted << format_value(info, value);
      break;
    case value_kind::string:
      // Always quoted, so strings like "true" or "null" read back as strings.
      out << YAML::DoubleQuoted << std::get<std::string>(value);
      break;
    case value_kind::string_list:
      out << YAML::Flow << YAML::BeginSeq;
      for (const auto& item : std::get<std::vector<std::string>>(value)) {
        out << YAML::DoubleQuoted << item;
      }
      out << YAML::EndSeq;
      break;
    case value_kind::key_list:
      out << YAML::BeginSeq;
      for (const auto& key : std::get<std::vector<auth_key>>(value)) {
        out << YAML::BeginMap;
        out << YAML::Key << "name" << YAML::Value << YAML::DoubleQuoted << key.name;
        out << YAML::Key << "sha256" << YAML::Value << YAML::DoubleQuoted << to_hex(key.sha256);
        out << YAML::Key << "permissions" << YAML::Value << YAML::Flow << YAML::BeginSeq;
        for (const auto p : key.permissions)
          out << std::string(to_string(p));
        out << YAML::EndSeq << YAML::EndMap;
      }
      out << YAML::EndSeq;
      break;
  }
}

bool is_loopback(std::string_view host) {
  if (host == "localhost" || host == "::1") return true;
  in_addr v4{};
  return inet_pton(AF_INET, std::string(host).c_str(), &v4) == 1 && (ntohl(v4.s_addr) >> 24) == 127;
}

std::string describe_key_changes(const std::vector<auth_key>& before,
                                 const std::vector<auth_key>& after) {
  std::map<std::string, const auth_key*> old_keys, new_keys;
  for (const auto& key : before)
    old_keys[key.name] = &key;
  for (const auto& key : after)
    new_keys[key.name] = &key;
  std::vector<std::string> added, removed, changed;
  for (const auto& [name, key] : new_keys) {
    const auto it = old_keys.find(name);
    if (it == old_keys.end()) {
      added.push_back(name);
    } else if (!(*it->second == *key)) {
      changed.push_back(name);
    }
  }
  for (const auto& [name, key] : old_keys) {
    if (new_keys.count(name) == 0) removed.push_back(name);
  }
  std::string out = "auth.keys:";
  const auto list = [&](const char* label, const std::vector<std::string>& names) {
    if (names.empty()) return;
    out += std::string(out.back() == ':' ? " " : "; ") + label + " ";
    for (std::size_t i = 0; i < names.size(); ++i)
      out += (i ? ", " : "") + names[i];
  };
  list("added", added);
  list("removed", removed);
  list("changed", changed);
  if (out.back() == ':') out += " reordered";
  return out;
}

}  // namespace

std::string render_effective_config(const config& cfg) {
  YAML::Emitter out;
  out << YAML::Comment("effective configuration; secrets are shown as <redacted>");
  out << YAML::BeginMap;
  std::string_view section;
  for (const auto& binding : config_detail::key_bindings()) {
    if (binding.info.section != section) {
      if (!section.empty()) out << YAML::EndMap;
      section = binding.info.section;
      out << YAML::Key << std::string(section) << YAML::Value << YAML::BeginMap;
    }
    out << YAML::Key << std::string(binding.info.name) << YAML::Value;
    emit_value(out, binding.info, shown_value(binding, cfg));
  }
  if (!section.empty()) out << YAML::EndMap;
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

std::vector<std::string> config_warnings(const config& cfg) {
  std::vector<std::string> warnings;
  const bool public_address = !is_loopback(cfg.http.address);
  if (!cfg.auth.required && public_address) {
    warnings.push_back("auth.required is false and http.address " + cfg.http.address +
                       " is not loopback: anyone who can reach port " +
                       std::to_string(cfg.http.port) + " can change namespaces");
  }
  if (cfg.auth.required && cfg.auth.keys.empty()) {
    warnings.push_back(
        "auth.required is true but auth.keys is empty: every request outside auth.open_paths "
        "gets 401 until keys are added (INDEX_OPTIMIZER_AUTH_KEYS or the config file + SIGHUP)");
  }
  if (!cfg.qdrant.endpoint) {
    warnings.push_back(
        "qdrant.url is empty: catalog-only mode, the optimizer records decisions in the "
        "namespace registry and history but creates no Qdrant index");
  } else {
    const auto& endpoint = *cfg.qdrant.endpoint;
    if (!endpoint.tls() && !cfg.qdrant.api_key.empty() && !is_loopback(endpoint.host)) {
      warnings.push_back("qdrant.api_key is sent unencrypted over http:// to " + endpoint.host +
                         "; use an https:// qdrant.url");
    }
    if (!endpoint.tls() && !cfg.qdrant.ca_file.empty()) {
      warnings.push_back("qdrant.ca_file is ignored because qdrant.url is http://");
    }
    if (cfg.qdrant.concurrency_limit >= cfg.http.worker_threads) {
      warnings.push_back(
          "qdrant.max_concurrent_requests (" + std::to_string(cfg.qdrant.concurrency_limit) +
          ") is not below http.worker_threads (" + std::to_string(cfg.http.worker_threads) +
          "): a hanging Qdrant can hold every HTTP worker and stall the Redis-only routes");
    }
  }
  if (cfg.optimizer.dry_run) {
    warnings.push_back(
        "optimizer.dry_run is true: runs are planned and recorded, no index is "
        "created");
  }
  return warnings;
}

std::vector<std::string> describe_reload(const config& old_cfg, const config& new_cfg) {
  std::vector<std::string> lines;
  for (const auto& binding : config_detail::key_bindings()) {
    const key_info& info = binding.info;
    if (!info.reloadable) continue;
    const config_value before = binding.load(old_cfg, info);
    const config_value after = binding.load(new_cfg, info);
    if (before == after) continue;
    if (info.kind == value_kind::key_list) {
      lines.push_back(describe_key_changes(std::get<std::vector<auth_key>>(before),
                                           std::get<std::vector<auth_key>>(after)));
    } else if (info.secret) {
      lines.push_back(info.path() + ": changed");
    } else {
      lines.push_back(info.path() + ": " + format_value(info, before) + " -> " +
                      format_value(info, after));
    }
  }
  return lines;
}

std::vector<std::string> changed_restart_keys(const config& old_cfg, const config& new_cfg) {
  std::vector<std::string> paths;
  for (const auto& binding : config_detail::key_bindings()) {
    if (binding.info.reloadable) continue;
    if (binding.load(old_cfg, binding.info) != binding.load(new_cfg, binding.info)) {
      paths.push_back(binding.info.path());
    }
  }
  // A rotated password file changes no key, only what the loader read from it.
  if (old_cfg.redis.endpoint.password != new_cfg.redis.endpoint.password &&
      std::find(paths.begin(), paths.end(), "redis.url") == paths.end() &&
      std::find(paths.begin(), paths.end(), "redis.password_file") == paths.end()) {
    paths.push_back("redis.password_file");
  }
  return paths;
}

std::vector<std::string> reload_problems(const config& next) {
  std::vector<std::string> problems;
  if (next.auth.required && next.auth.keys.empty()) {
    // Almost always a truncated or emptied file: applying it would lock every client out.
    problems.push_back(
        "auth.keys: empty while auth.required is true, so every request outside "
        "auth.open_paths would get 401; add a key, or set auth.required: false on purpose");
  }
  return problems;
}

}  // namespace index_optimizer
