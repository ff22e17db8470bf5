#include "config/config.hpp"

#include <arpa/inet.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

#include "config/key_table.hpp"
#include "text/utf8_text.hpp"

extern char** environ;

namespace index_optimizer {
namespace {

using config_detail::config_value;
using config_detail::find_binding;
using config_detail::format_bound;
using env_map = std::map<std::string, std::string>;

constexpr std::string_view k_env_prefix = "INDEX_OPTIMIZER_";
constexpr std::size_t k_max_secret_file_bytes = 64 * 1024;
constexpr std::int64_t k_max_buckets = 100000;

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i) out += separator;
    out += parts[i];
  }
  return out;
}

std::string in_quotes(std::string_view text) {
  return "\"" + std::string(text) + "\"";
}

std::string trim(std::string_view text) {
  const auto begin = text.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return {};
  const auto end = text.find_last_not_of(" \t");
  return std::string(text.substr(begin, end - begin + 1));
}

bool has_space(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
  });
}

std::string where_in_file(std::string_view source, const YAML::Mark& mark) {
  if (mark.is_null()) return std::string(source);
  return std::string(source) + ":" + std::to_string(mark.line + 1) + ":" +
         std::to_string(mark.column + 1);
}

std::string env_where(std::string_view variable) {
  return "environment variable " + std::string(variable);
}

// "INDEX_OPTIMIZER_HTTP_": every variable of a section's keys starts with it.
std::string section_variable_prefix(std::string_view section) {
  std::string prefix = std::string(k_env_prefix) + std::string(section) + "_";
  std::transform(prefix.begin(), prefix.end(), prefix.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return prefix;
}

std::string keys_in_section(std::string_view section) {
  std::vector<std::string> names;
  for (const auto& binding : config_detail::key_bindings()) {
    if (binding.info.section == section) names.emplace_back(binding.info.name);
  }
  return join(names, ", ");
}

std::string sections_list() {
  std::vector<std::string> names;
  for (const auto section : config_detail::section_names())
    names.emplace_back(section);
  return join(names, ", ");
}

std::string choices_list(const key_info& info) {
  std::vector<std::string> names(info.choices.begin(), info.choices.end());
  return join(names, ", ");
}

std::string permissions_list() {
  return "read, write, delete, admin";
}

// Plain YAML scalars are untyped text; a quoted one was meant as a string, so a quoted number or
// boolean is a type error rather than something to coerce silently.
bool is_quoted(const YAML::Node& node) {
  return node.Tag() == "!";
}

std::string node_kind_name(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
      return "nothing";
    case YAML::NodeType::Scalar:
      return "a scalar";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a mapping";
    default:
      return "an undefined value";
  }
}

std::string expectation(const key_info& info) {
  switch (info.kind) {
    case value_kind::boolean:
      return "true or false";
    case value_kind::integer:
      return "an integer from " + format_bound(info, info.min) + " to " +
             format_bound(info, info.max);
    case value_kind::size:
      return "a size from " + format_bound(info, info.min) + " to " + format_bound(info, info.max) +
             " (bytes, or with a unit: \"16KiB\", \"1MiB\")";
    case value_kind::duration:
      return "a duration from " + format_bound(info, info.min) + " to " +
             format_bound(info, info.max) + " (such as \"500ms\", \"2s\", \"5m\", \"6h\", \"7d\")";
    case value_kind::string:
      return "a string";
    case value_kind::choice:
      return "one of " + choices_list(info);
    case value_kind::string_list:
      return "a list of strings";
    case value_kind::key_list:
      return "a list of {name, sha256, permissions} mappings";
  }
  return "a value";
}

// Parses the text of one scalar for a scalar kind and checks its range. Never quotes the text of
// a secret key.
parse_result<config_value> parse_scalar(const key_info& info, std::string_view text) {
  using result = parse_result<config_value>;
  const std::string shown = info.secret ? std::string("the value") : in_quotes(text);
  const std::string out_of_range = shown + " is out of range; allowed " +
                                   format_bound(info, info.min) + " to " +
                                   format_bound(info, info.max);
  const auto in_range = [&](std::int64_t value) -> std::optional<std::string> {
    if (value >= info.min && value <= info.max) return std::nullopt;
    return out_of_range;
  };
  switch (info.kind) {
    case value_kind::boolean:
      if (text == "true") return result::ok(true);
      if (text == "false") return result::ok(false);
      return result::fail("expected true or false, got " + shown);
    case value_kind::integer: {
      std::int64_t value = 0;
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) {
        return result::fail("expected " + expectation(info) + ", got " + shown);
      }
      if (auto error = in_range(value)) return result::fail(*error);
      return result::ok(value);
    }
    case value_kind::size: {
      const auto parsed = parse_size(text);
      if (!parsed)
        return result::fail(parsed.error + "; allowed " + format_bound(info, info.min) + " to " +
                            format_bound(info, info.max));
      // Compared unsigned first: a size above INT64_MAX must not wrap into range.
      const std::uint64_t bytes = *parsed.value;
      if (bytes > static_cast<std::uint64_t>(info.max)) return result::fail(out_of_range);
      const auto value = static_cast<std::int64_t>(bytes);
      if (auto error = in_range(value)) return result::fail(*error);
      return result::ok(value);
    }
    case value_kind::duration: {
      const auto parsed = parse_duration(text);
      if (!parsed) {
        return result::fail(parsed.error + "; allowed " + format_bound(info, info.min) + " to " +
                            format_bound(info, info.max));
      }
      if (auto error = in_range(parsed.value->count())) return result::fail(*error);
      return result::ok(*parsed.value);
    }
    case value_kind::string:
      return result::ok(std::string(text));
    case value_kind::choice:
      if (std::find(info.choices.begin(), info.choices.end(), text) != info.choices.end()) {
        return result::ok(std::string(text));
      }
      return result::fail("expected one of " + choices_list(info) + ", got " + shown);
    case value_kind::string_list:
    case value_kind::key_list:
      break;
  }
  return result::fail("internal error: not a scalar kind");
}

// Field checks shared by the YAML and environment forms of auth.keys; each returns the problem or
// nothing.
std::optional<std::string> check_key_name(std::string_view name) {
  const bool ok =
      !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_' || c == '-' || c == '.';
      });
  if (ok) return std::nullopt;
  return "name " + in_quotes(name) + " must be 1 to 64 letters, digits, '_', '-' or '.'";
}

std::string bad_hash_message() {
  return "sha256 must be 64 lower-case hex digits: the SHA-256 of the key, e.g. from "
         "`printf %s \"$KEY\" | sha256sum` (never the key itself)";
}

// One permission word, or the problem.
parse_result<permission> permission_from(std::string_view word) {
  if (const auto p = parse_permission(word)) return parse_result<permission>::ok(*p);
  return parse_result<permission>::fail("unknown permission " + in_quotes(word) + "; allowed " +
                                        permissions_list());
}

bool is_utf8_text(const config_value& value) {
  if (const auto* text = std::get_if<std::string>(&value)) return is_valid_utf8(*text);
  if (const auto* list = std::get_if<std::vector<std::string>>(&value)) {
    return std::all_of(list->begin(), list->end(),
                       [](const std::string& item) { return is_valid_utf8(item); });
  }
  return true;  // key names are checked to be ASCII (check_key_name)
}

// Reads a secret from a file: whole contents, trailing newlines trimmed.
parse_result<std::string> read_secret_file(const std::filesystem::path& path) {
  using result = parse_result<std::string>;
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    return result::fail("cannot read " + in_quotes(path.string()) + ": " + std::strerror(errno));
  }
  std::string contents;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, file)) > 0) {
    contents.append(buffer, n);
    if (contents.size() > k_max_secret_file_bytes) break;
  }
  const bool failed = std::ferror(file) != 0;
  const int read_errno = errno;
  std::fclose(file);
  if (failed) {
    return result::fail("cannot read " + in_quotes(path.string()) + ": " +
                        std::strerror(read_errno));
  }
  if (contents.size() > k_max_secret_file_bytes) {
    return result::fail(in_quotes(path.string()) +
                        " is larger than 64 KiB; it should hold one secret");
  }
  while (!contents.empty() && (contents.back() == '\n' || contents.back() == '\r')) {
    contents.pop_back();
  }
  if (contents.empty()) return result::fail(in_quotes(path.string()) + " is empty");
  return result::ok(std::move(contents));
}

std::string derive_consumer_name() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') std::strcpy(host, "localhost");
  std::string name(host);
  for (char& c : name) {
    if (c == ' ' || c == '\t') c = '_';
  }
  return name + "-" + std::to_string(getpid());
}

class loader {
 public:
  loader(std::string source, std::filesystem::path base_dir, const env_map& env)
      : source_(std::move(source)), base_dir_(std::move(base_dir)), env_(env) {}

  config run(std::string_view yaml) {
    read_yaml(yaml);
    apply_environment();
    validate();
    if (!problems_.empty()) throw config_error(std::move(problems_));
    return std::move(cfg_);
  }

 private:
  void problem(const std::string& where, std::string_view path, const std::string& message) {
    std::string line = where + ": ";
    if (!path.empty()) line += std::string(path) + ": ";
    problems_.push_back(line + message);
    failed_.insert(std::string(path.substr(0, path.find('['))));
  }

  // Where a key's current value came from, for problems found after parsing.
  std::string where_of(const std::string& path) const {
    const auto it = origins_.find(path);
    if (it != origins_.end()) return it->second;
    return source_ + " (not set, default)";
  }

  // For checks after parsing; a key whose value was already rejected keeps its default, which
  // is no news to the operator.
  void problem_at(const std::string& path, const std::string& message) {
    if (failed_.count(path) != 0) return;
    problem(where_of(path), path, message);
  }

  void store(const key_info& info, config_value value, std::string where) {
    // yaml-cpp and the environment pass any bytes through, but config text goes to logs (JSON
    // ones too), metric labels and --check-config output, and renders back differently.
    if (!is_utf8_text(value)) {
      problem(where, info.path(), "is not valid UTF-8 text");
      return;
    }
    const auto* binding = find_binding(info.section, info.name);
    binding->store(cfg_, info, std::move(value));
    origins_[info.path()] = std::move(where);
  }

  void read_yaml(std::string_view yaml) {
    YAML::Node root;
    try {
      root = YAML::Load(std::string(yaml));
    } catch (const YAML::Exception& error) {
      problem(where_in_file(source_, error.mark), "", "not valid YAML: " + error.msg);
      return;
    }
    if (root.IsNull()) return;  // an empty file means every default
    if (!root.IsMap()) {
      problem(where_in_file(source_, root.Mark()), "",
              "the top level must be a mapping of sections (" + sections_list() + "), got " +
                  node_kind_name(root));
      return;
    }
    std::set<std::string> seen;
    for (auto it = root.begin(); it != root.end(); ++it) {
      const YAML::Node key = it->first;  // a copy: it->first is a temporary proxy
      const std::string where = where_in_file(source_, key.Mark());
      if (!key.IsScalar()) {
        problem(where, "", "section names must be plain words");
        continue;
      }
      const std::string& section = key.Scalar();
      const auto& sections = config_detail::section_names();
      if (std::find(sections.begin(), sections.end(), section) == sections.end()) {
        problem(where, section, "unknown section; sections are " + sections_list());
        continue;
      }
      if (!seen.insert(section).second) {
        problem(where, section, "section appears twice; merge the two");
        continue;
      }
      read_section(section, it->second, where);
    }
  }

  void read_section(const std::string& section, const YAML::Node& node, const std::string& where) {
    if (node.IsNull()) return;
    if (!node.IsMap()) {
      problem(where, section,
              "expected a mapping of keys (" + keys_in_section(section) + "), got " +
                  node_kind_name(node));
      return;
    }
    std::set<std::string> seen;
    for (auto it = node.begin(); it != node.end(); ++it) {
      const std::string key_where = where_in_file(source_, it->first.Mark());
      if (!it->first.IsScalar()) {
        problem(key_where, section, "key names must be plain words");
        continue;
      }
      const std::string& name = it->first.Scalar();
      const std::string path = section + "." + name;
      const auto* binding = find_binding(section, name);
      if (binding == nullptr) {
        problem(key_where, path,
                "unknown key; keys in " + section + " are " + keys_in_section(section));
        continue;
      }
      if (!seen.insert(name).second) {
        problem(key_where, path, "key appears twice in this section");
        continue;
      }
      if (auto value = from_yaml(binding->info, it->second, key_where)) {
        store(binding->info, std::move(*value), key_where);
      }
    }
  }

  std::optional<config_value> from_yaml(const key_info& info, const YAML::Node& node,
                                        const std::string& where) {
    const std::string path = info.path();
    const auto wrong = [&]() -> std::optional<config_value> {
      problem(where, path, "expected " + expectation(info) + ", got " + node_kind_name(node));
      return std::nullopt;
    };
    switch (info.kind) {
      case value_kind::string_list: {
        if (node.IsNull()) return config_value(std::vector<std::string>{});
        if (!node.IsSequence()) return wrong();
        std::vector<std::string> items;
        for (const auto& item : node) {
          if (!item.IsScalar()) {
            problem(where_in_file(source_, item.Mark()), path,
                    "every element must be a string, got " + node_kind_name(item));
            return std::nullopt;
          }
          items.push_back(item.Scalar());
        }
        return config_value(std::move(items));
      }
      case value_kind::key_list:
        return keys_from_yaml(info, node, where);
      case value_kind::string:
        if (node.IsNull()) return config_value(std::string{});
        if (!node.IsScalar()) return wrong();
        return config_value(node.Scalar());
      default:
        break;
    }
    if (!node.IsScalar()) return wrong();
    if ((info.kind == value_kind::boolean || info.kind == value_kind::integer) && is_quoted(node)) {
      problem(where, path,
              "expected " + expectation(info) + ", got the quoted string " +
                  in_quotes(node.Scalar()) + " (write it without quotes)");
      return std::nullopt;
    }
    auto parsed = parse_scalar(info, node.Scalar());
    if (!parsed) {
      problem(where, path, parsed.error);
      return std::nullopt;
    }
    return std::move(*parsed.value);
  }

  std::optional<config_value> keys_from_yaml(const key_info& info, const YAML::Node& node,
                                             const std::string& where) {
    const std::string path = info.path();
    if (node.IsNull()) return config_value(std::vector<auth_key>{});
    if (!node.IsSequence()) {
      problem(where, path, "expected " + expectation(info) + ", got " + node_kind_name(node));
      return std::nullopt;
    }
    std::vector<auth_key> keys;
    bool ok = true;
    std::size_t index = 0;
    for (const auto& item : node) {
      const std::string item_path = path + "[" + std::to_string(index++) + "]";
      const std::string item_where = where_in_file(source_, item.Mark());
      if (!item.IsMap()) {
        problem(
            item_where, item_path,
            "expected a mapping with name, sha256 and permissions, got " + node_kind_name(item));
        ok = false;
        continue;
      }
      auth_key key;
      bool has_name = false, has_hash = false, has_permissions = false;
      for (auto field = item.begin(); field != item.end(); ++field) {
        const std::string field_where = where_in_file(source_, field->first.Mark());
        const std::string field_name = field->first.IsScalar() ? field->first.Scalar() : "";
        const YAML::Node value = field->second;  // a copy: field->second is a temporary proxy
        if (field_name == "name" && value.IsScalar()) {
          has_name = true;
          key.name = value.Scalar();
          if (auto error = check_key_name(key.name)) {
            problem(field_where, item_path + ".name", *error);
            ok = false;
          }
        } else if (field_name == "sha256" && value.IsScalar()) {
          has_hash = true;
          if (const auto digest = parse_sha256_hex(value.Scalar())) {
            key.sha256 = *digest;
          } else {
            problem(field_where, item_path + ".sha256", bad_hash_message());
            ok = false;
          }
        } else if (field_name == "permissions" && value.IsSequence()) {
          has_permissions = true;
          for (const auto& word : value) {
            auto parsed = word.IsScalar()
                              ? permission_from(word.Scalar())
                              : parse_result<permission>::fail(
                                    "permissions must be words; allowed " + permissions_list());
            if (parsed) {
              key.permissions.push_back(*parsed.value);
            } else {
              problem(where_in_file(source_, word.Mark()), item_path + ".permissions",
                      parsed.error);
              ok = false;
            }
          }
        } else if (field_name == "name" || field_name == "sha256") {
          problem(field_where, item_path + "." + field_name,
                  "expected a string, got " + node_kind_name(value));
          ok = false;
        } else if (field_name == "permissions") {
          problem(field_where, item_path + ".permissions",
                  "expected a list such as [read, write], got " + node_kind_name(value));
          ok = false;
        } else {
          problem(
              field_where, item_path,
              "unknown field " + in_quotes(field_name) + "; a key has name, sha256, permissions");
          ok = false;
        }
      }
      const auto missing = [&](bool present, const char* field_name) {
        if (present) return;
        problem(item_where, item_path, std::string("missing ") + field_name);
        ok = false;
      };
      missing(has_name, "name");
      missing(has_hash, "sha256");
      missing(has_permissions, "permissions");
      keys.push_back(std::move(key));
    }
    if (!ok) return std::nullopt;
    return config_value(std::move(keys));
  }

  void apply_environment() {
    for (const auto& binding : config_detail::key_bindings()) {
      const key_info& info = binding.info;
      const std::string variable = info.environment_variable();
      const auto it = env_.find(variable);
      if (it == env_.end()) continue;
      if (auto value = from_text(info, it->second, variable)) {
        store(info, std::move(*value), env_where(variable));
      }
    }
    // A misspelt key would otherwise be ignored without a trace. Variables of no known section
    // are not errors (environment_warnings names them), so the scripts' own INDEX_OPTIMIZER_*
    // variables can share the environment.
    for (const auto& [variable, value] : env_) {
      if (!variable.starts_with(k_env_prefix)) continue;
      for (const auto section : config_detail::section_names()) {
        if (!variable.starts_with(section_variable_prefix(section))) continue;
        bool known = false;
        std::vector<std::string> names;
        for (const auto& binding : config_detail::key_bindings()) {
          if (binding.info.section != section) continue;
          names.push_back(binding.info.environment_variable());
          known = known || names.back() == variable;
        }
        if (!known) {
          problem(env_where(variable), "",
                  "does not name a configuration key; variables for " + std::string(section) +
                      " are " + join(names, ", "));
        }
      }
    }
  }

  std::optional<config_value> from_text(const key_info& info, std::string_view text,
                                        const std::string& variable) {
    const std::string where = env_where(variable);
    const std::string path = info.path();
    if (info.kind == value_kind::string_list) {
      std::vector<std::string> items;
      if (trim(text).empty()) return config_value(std::move(items));
      std::size_t begin = 0;
      while (true) {
        const auto comma = text.find(',', begin);
        items.push_back(trim(text.substr(begin, comma - begin)));
        if (items.back().empty()) {
          problem(where, path, "empty element in the comma-separated list");
          return std::nullopt;
        }
        if (comma == std::string_view::npos) break;
        begin = comma + 1;
      }
      return config_value(std::move(items));
    }
    if (info.kind == value_kind::key_list) return keys_from_text(info, text, where);
    auto parsed = parse_scalar(info, info.kind == value_kind::string ? text : trim(text));
    if (!parsed) {
      problem(where, path, parsed.error);
      return std::nullopt;
    }
    return std::move(*parsed.value);
  }

  // INDEX_OPTIMIZER_AUTH_KEYS="name:sha256hex:perm+perm,name2:..."
  std::optional<config_value> keys_from_text(const key_info& info, std::string_view text,
                                             const std::string& where) {
    const std::string path = info.path();
    std::vector<auth_key> keys;
    if (trim(text).empty()) return config_value(std::move(keys));
    bool ok = true;
    std::size_t begin = 0;
    std::size_t index = 0;
    while (begin <= text.size()) {
      const auto comma = text.find(',', begin);
      const std::string entry = trim(text.substr(begin, comma - begin));
      const std::string entry_path = path + "[" + std::to_string(index++) + "]";
      const auto first = entry.find(':');
      const auto second = first == std::string::npos ? first : entry.find(':', first + 1);
      if (second == std::string::npos) {
        problem(where, entry_path,
                "expected name:sha256:permission+permission (e.g. "
                "ci:<64 hex digits>:read+write)");
        ok = false;
      } else {
        auth_key key;
        key.name = entry.substr(0, first);
        if (auto error = check_key_name(key.name)) {
          problem(where, entry_path + ".name", *error);
          ok = false;
        }
        if (const auto digest = parse_sha256_hex(entry.substr(first + 1, second - first - 1))) {
          key.sha256 = *digest;
        } else {
          problem(where, entry_path + ".sha256", bad_hash_message());
          ok = false;
        }
        const std::string words = entry.substr(second + 1);
        std::size_t word_begin = 0;
        while (word_begin <= words.size()) {
          const auto plus = words.find('+', word_begin);
          auto parsed = permission_from(words.substr(word_begin, plus - word_begin));
          if (parsed) {
            key.permissions.push_back(*parsed.value);
          } else {
            problem(where, entry_path + ".permissions", parsed.error);
            ok = false;
          }
          if (plus == std::string::npos) break;
          word_begin = plus + 1;
        }
        keys.push_back(std::move(key));
      }
      if (comma == std::string_view::npos) break;
      begin = comma + 1;
    }
    if (!ok) return std::nullopt;
    return config_value(std::move(keys));
  }

  std::filesystem::path resolve(const std::string& file) const {
    const std::filesystem::path path(file);
    return path.is_absolute() ? path : base_dir_ / path;
  }

  // Replaces a *_file path with its resolved form and returns the secret it holds.
  std::optional<std::string> secret_from_file(std::string& file, const std::string& path) {
    const auto resolved = resolve(file);
    auto contents = read_secret_file(resolved);
    if (!contents) {
      problem_at(path, contents.error);
      return std::nullopt;
    }
    file = resolved.string();
    return std::move(*contents.value);
  }

  void validate() {
    validate_http();
    validate_auth();
    validate_redis();
    validate_ingest();
    validate_window();
    validate_optimizer();
    validate_qdrant();
  }

  void validate_http() {
    const std::string& address = cfg_.http.address;
    in_addr v4{};
    in6_addr v6{};
    if (inet_pton(AF_INET, address.c_str(), &v4) != 1 &&
        inet_pton(AF_INET6, address.c_str(), &v6) != 1) {
      problem_at("http.address", in_quotes(address) +
                                     " is not an IP address; use 127.0.0.1 (loopback), ::1, "
                                     "0.0.0.0 (all IPv4) or :: (all)");
    }
    // Only a value set on purpose is checked: the default shrinks to fit a small limit.
    const auto& http = cfg_.http;
    if (origins_.count("http.reserved_connections") != 0 &&
        http.reserved_connections > http.max_connections / 2) {
      problem_at("http.reserved_connections", std::to_string(http.reserved_connections) +
                                                  " is more than half of http.max_connections (" +
                                                  std::to_string(http.max_connections) +
                                                  "); at most " +
                                                  std::to_string(http.max_connections / 2) +
                                                  " leaves the other half for clients");
    }
  }

  void validate_auth() {
    for (const auto& path : cfg_.auth.open_paths) {
      if (path.empty() || path.front() != '/' || has_space(path) ||
          path.find_first_of("?#") != std::string::npos) {
        problem_at("auth.open_paths", in_quotes(path) +
                                          " must be an exact request path starting with '/', "
                                          "without query or spaces");
      }
    }
    std::set<std::string> names;
    std::set<sha256_digest> hashes;
    for (const auto& key : cfg_.auth.keys) {
      if (!names.insert(key.name).second) {
        problem_at("auth.keys",
                   "two keys are named " + in_quotes(key.name) + "; names must be unique");
      }
      if (!hashes.insert(key.sha256).second) {
        problem_at("auth.keys", "key " + in_quotes(key.name) +
                                    " has the same sha256 as another key; give each client its "
                                    "own key");
      }
      if (key.permissions.empty()) {
        problem_at("auth.keys", "key " + in_quotes(key.name) + " has no permissions; allowed " +
                                    permissions_list());
      }
    }
  }

  void validate_redis() {
    auto& redis = cfg_.redis;
    auto endpoint = parse_redis_url(redis.url);
    if (!endpoint) {
      problem_at("redis.url", endpoint.error);
    } else {
      redis.endpoint = std::move(*endpoint.value);
    }
    if (!redis.password_file.empty()) {
      if (endpoint && !redis.endpoint.password.empty()) {
        problem_at("redis.password_file",
                   "redis.url already carries a password; set it in one place only");
      } else if (auto password = secret_from_file(redis.password_file, "redis.password_file")) {
        redis.endpoint.password = std::move(*password);
      }
    }
    if (has_space(redis.key_prefix) || redis.key_prefix.find_first_of("{}") != std::string::npos) {
      problem_at("redis.key_prefix",
                 in_quotes(redis.key_prefix) +
                     " must not contain spaces, '{' or '}' (hash tags come from the stream names)");
    }
  }

  void validate_ingest() {
    auto& ingest = cfg_.ingest;
    if (ingest.streams.empty()) problem_at("ingest.streams", "at least one stream is required");
    std::set<std::string> streams;
    for (const auto& stream : ingest.streams) {
      if (stream.empty() || has_space(stream)) {
        problem_at("ingest.streams", in_quotes(stream) +
                                         " is not a usable stream name (empty or "
                                         "has spaces)");
      } else if (!streams.insert(stream).second) {
        problem_at("ingest.streams", in_quotes(stream) + " is listed twice");
      }
    }
    if (ingest.group.empty() || has_space(ingest.group)) {
      problem_at("ingest.group", "must be a non-empty name without spaces");
    }
    if (has_space(ingest.consumer_name)) {
      problem_at("ingest.consumer_name", "must not contain spaces");
    }
    if (ingest.consumer_name.empty()) ingest.consumer_name = derive_consumer_name();
    if (has_space(ingest.dead_letter_stream)) {
      problem_at("ingest.dead_letter_stream", "must not contain spaces");
    }
    for (const auto& stream : ingest.streams) {
      if (streams.count(dead_letter_stream_for(ingest, stream)) != 0) {
        problem_at("ingest.dead_letter_stream",
                   "the dead-letter stream must not be one of ingest.streams");
        break;
      }
    }
    if (ingest.reclaim_idle <= ingest.commit_interval + ingest.block) {
      problem_at("ingest.reclaim_idle",
                 format_duration(ingest.reclaim_idle) +
                     " must be longer than ingest.commit_interval + ingest.block (" +
                     format_duration(ingest.commit_interval + ingest.block) +
                     "), or other consumers reclaim entries this one is about to commit");
    }
  }

  void check_window(const char* length_key, config_duration length, const char* bucket_key,
                    config_duration bucket) {
    if (length.count() % bucket.count() != 0) {
      problem_at(bucket_key, format_duration(bucket) + " does not divide " + length_key + " (" +
                                 format_duration(length) + ") evenly");
    } else if (length.count() / bucket.count() > k_max_buckets) {
      problem_at(bucket_key, std::string(length_key) + " / " + bucket_key + " is " +
                                 std::to_string(length.count() / bucket.count()) +
                                 " buckets; at most " + std::to_string(k_max_buckets) +
                                 " are allowed, choose a wider bucket");
    }
  }

  void validate_window() {
    const auto& window = cfg_.window;
    check_window("window.length", window.length, "window.bucket", window.bucket);
    check_window("window.analytics_length", window.analytics_length, "window.analytics_bucket",
                 window.analytics_bucket);
  }

  void check_patterns(const char* path, const std::vector<std::string>& patterns) {
    for (const auto& pattern : patterns) {
      if (pattern.empty() || has_space(pattern)) {
        problem_at(path, in_quotes(pattern) +
                             " is not a field pattern (empty or has spaces); use "
                             "names with * and ? wildcards");
      }
    }
  }

  void validate_optimizer() {
    check_patterns("optimizer.deny_fields", cfg_.optimizer.deny_fields);
    check_patterns("optimizer.allow_fields", cfg_.optimizer.allow_fields);
    check_patterns("optimizer.tenant_fields", cfg_.optimizer.tenant_fields);
  }

  void validate_qdrant() {
    auto& qdrant = cfg_.qdrant;
    qdrant.concurrency_limit = qdrant.max_concurrent_requests > 0
                                   ? qdrant.max_concurrent_requests
                                   : std::max(1, cfg_.http.worker_threads / 2);
    qdrant.endpoint.reset();
    if (!qdrant.url.empty()) {
      auto endpoint = parse_qdrant_url(qdrant.url);
      if (endpoint) {
        qdrant.endpoint = std::move(*endpoint.value);
      } else {
        problem_at("qdrant.url", endpoint.error);
      }
    }
    if (!qdrant.api_key_file.empty()) {
      if (!qdrant.api_key.empty()) {
        problem_at("qdrant.api_key_file",
                   "qdrant.api_key is also set; set the key in one place only");
      } else if (auto key = secret_from_file(qdrant.api_key_file, "qdrant.api_key_file")) {
        qdrant.api_key = std::move(*key);
      }
    }
    if (!qdrant.ca_file.empty()) {
      const auto resolved = resolve(qdrant.ca_file);
      std::ifstream probe(resolved);
      if (!probe) {
        problem_at("qdrant.ca_file",
                   "cannot read " + in_quotes(resolved.string()) + ": " + std::strerror(errno));
      } else {
        qdrant.ca_file = resolved.string();
      }
    }
  }

  std::string source_;
  std::filesystem::path base_dir_;
  const env_map& env_;
  config cfg_;
  std::map<std::string, std::string> origins_;
  std::vector<std::string> problems_;
  std::set<std::string> failed_;  // key paths with a problem reported
};

}  // namespace

config_error::config_error(std::vector<std::string> problems)
    : std::runtime_error(join(problems, "\n")), problems_(std::move(problems)) {}

std::string dead_letter_stream_for(const ingest_config& ingest, std::string_view stream) {
  if (!ingest.dead_letter_stream.empty()) return ingest.dead_letter_stream;
  return std::string(stream) + ":dead-letter";
}

std::map<std::string, std::string> environment_snapshot() {
  std::map<std::string, std::string> env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const auto equals = text.find('=');
    if (equals == std::string_view::npos) continue;
    env.emplace(std::string(text.substr(0, equals)), std::string(text.substr(equals + 1)));
  }
  return env;
}

namespace {

// INDEX_OPTIMIZER_* variables that are not configuration keys: main's default --config and the
// scripts' own settings (the table in docs/configuration.md, "Errors").
constexpr std::array<std::string_view, 7> k_non_key_variables{
    "INDEX_OPTIMIZER_CONFIG",           // daemon/main.cpp
    "INDEX_OPTIMIZER_DEV_REDIS_PORT",   // scripts/run
    "INDEX_OPTIMIZER_DEMO_URL",         // scripts/demo
    "INDEX_OPTIMIZER_DEMO_KEY",         // scripts/demo
    "INDEX_OPTIMIZER_DEMO_REDIS_PORT",  // scripts/demo
    "INDEX_OPTIMIZER_DEMO_STREAM",      // scripts/demo
    "INDEX_OPTIMIZER_DEMO_TIMEOUT",     // scripts/demo
};

// Levenshtein distance, for suggesting the variable a typo meant; the names are short.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j)
    row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t substitution = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      diagonal = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, substitution});
    }
  }
  return row[b.size()];
}

// The key variable `variable` most likely meant: within two edits (a doubled, dropped or swapped
// letter), else none.
std::optional<std::string> nearest_key_variable(std::string_view variable) {
  constexpr std::size_t k_max_edits = 2;
  std::optional<std::string> nearest;
  std::size_t best = k_max_edits + 1;
  for (const auto& binding : config_detail::key_bindings()) {
    std::string candidate = binding.info.environment_variable();
    if (const auto d = edit_distance(variable, candidate); d < best) {
      best = d;
      nearest = std::move(candidate);
    }
  }
  return nearest;
}

}  // namespace

std::vector<std::string> environment_warnings(const std::map<std::string, std::string>& env) {
  std::vector<std::string> prefixes;  // INDEX_OPTIMIZER_HTTP_, ...
  std::vector<std::string> sections;  // HTTP, ...
  for (const auto section : config_detail::section_names()) {
    prefixes.push_back(section_variable_prefix(section));
    sections.push_back(prefixes.back().substr(k_env_prefix.size(),
                                              prefixes.back().size() - k_env_prefix.size() - 1));
  }
  std::vector<std::string> warnings;
  for (const auto& entry : env) {
    const std::string& variable = entry.first;  // never the value: it may be a secret
    if (!variable.starts_with(k_env_prefix)) continue;
    if (std::find(k_non_key_variables.begin(), k_non_key_variables.end(), variable) !=
        k_non_key_variables.end()) {
      continue;
    }
    // A key's variable, or a misspelt key, which load_config refuses.
    if (std::any_of(prefixes.begin(), prefixes.end(),
                    [&](const std::string& prefix) { return variable.starts_with(prefix); })) {
      continue;
    }
    std::string warning = env_where(variable) +
                          " is ignored: it names no configuration section (variables are "
                          "INDEX_OPTIMIZER_<SECTION>_<KEY>, SECTION one of " +
                          join(sections, ", ") + "; docs/configuration.md)";
    if (const auto meant = nearest_key_variable(variable)) {
      warning += "; did you mean " + *meant + "?";
    }
    warnings.push_back(std::move(warning));
  }
  return warnings;
}

config load_config(const std::filesystem::path& path,
                   const std::map<std::string, std::string>& env) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw config_error({"configuration file " + in_quotes(path.string()) +
                        " is a directory; pass the YAML file itself"});
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    throw config_error({"cannot read configuration file " + in_quotes(path.string()) + ": " +
                        std::strerror(errno)});
  }
  std::ostringstream text;
  text << file.rdbuf();
  if (file.bad()) {
    throw config_error({"cannot read configuration file " + in_quotes(path.string())});
  }
  const auto base_dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  return loader(path.string(), base_dir, env).run(text.str());
}

config load_config_from_string(std::string_view yaml, std::string_view source_name,
                               const std::map<std::string, std::string>& env) {
  return loader(std::string(source_name), std::filesystem::current_path(), env).run(yaml);
}

}  // namespace index_optimizer
