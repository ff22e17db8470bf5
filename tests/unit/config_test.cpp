#include "config/config.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "support/process.hpp"

namespace index_optimizer {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using env_map = std::map<std::string, std::string>;

const std::filesystem::path k_source_dir = INDEX_OPTIMIZER_SOURCE_DIR;

std::string read_file(const std::filesystem::path& path) {
  std::ifstream file(path);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

void write_file(const std::filesystem::path& path, std::string_view text) {
  std::ofstream file(path, std::ios::binary);
  file << text;
}

config load(std::string_view yaml, const env_map& env = {}) {
  return load_config_from_string(yaml, "test.yaml", env);
}

// The message of the config_error that loading `yaml` must throw.
std::string load_error(std::string_view yaml, const env_map& env = {}) {
  try {
    load(yaml, env);
  } catch (const config_error& error) {
    return error.what();
  }
  ADD_FAILURE() << "expected a config_error for:\n" << yaml;
  return {};
}

// A config with every default, so expectations can name a default once.
const config& defaults() {
  static const config cfg = load("");
  return cfg;
}

// ---------------------------------------------------------------------------------------------
// The shipped files

TEST(ConfigShippedFiles, ProductionFileLoadsAndEqualsTheBuiltInDefaults) {
  const config cfg = load_config(k_source_dir / "configs/index-optimizer.yaml", {});
  EXPECT_EQ(cfg, defaults());
  EXPECT_EQ(render_effective_config(cfg), render_effective_config(defaults()));
}

TEST(ConfigShippedFiles, DefaultsMatchTheDocumentedValues) {
  const config& cfg = defaults();
  EXPECT_EQ(cfg.http.address, "127.0.0.1");
  EXPECT_EQ(cfg.http.port, 8080);
  EXPECT_EQ(cfg.http.max_body_bytes, 1u << 20);
  EXPECT_EQ(cfg.http.max_header_bytes, 16u << 10);
  EXPECT_EQ(cfg.http.request_timeout, std::chrono::seconds(30));
  EXPECT_EQ(cfg.http.max_connections, 1024);
  EXPECT_EQ(cfg.http.reserved_connections, 8);
  EXPECT_TRUE(cfg.auth.required);
  EXPECT_THAT(cfg.auth.open_paths, ElementsAre("/healthz", "/readyz", "/metrics"));
  EXPECT_EQ(cfg.redis.endpoint.host, "127.0.0.1");
  EXPECT_EQ(cfg.redis.endpoint.port, 6379);
  EXPECT_EQ(cfg.redis.key_prefix, "io:");
  EXPECT_THAT(cfg.ingest.streams, ElementsAre("io:{events}"));
  EXPECT_EQ(cfg.ingest.group, "index-optimizer");
  EXPECT_FALSE(cfg.ingest.consumer_name.empty()) << "an empty name is derived at load";
  EXPECT_EQ(cfg.ingest.commit_interval, std::chrono::milliseconds(500));
  EXPECT_EQ(cfg.window.length, std::chrono::hours(24));
  EXPECT_EQ(cfg.window.analytics_length, std::chrono::hours(7 * 24));
  EXPECT_EQ(cfg.optimizer.interval, std::chrono::hours(6));
  EXPECT_EQ(cfg.optimizer.threshold, 100u);
  EXPECT_EQ(cfg.optimizer.history_retention, std::chrono::hours(21 * 24));
  EXPECT_FALSE(cfg.qdrant.endpoint.has_value()) << "no qdrant.url means catalog-only";
  EXPECT_EQ(cfg.logging.level, log_level::info);
  EXPECT_EQ(cfg.logging.format, log_format::logfmt);
  EXPECT_EQ(cfg.shutdown.drain_timeout, std::chrono::seconds(10));
}

TEST(ConfigShippedFiles, DefaultConstructedConfigEqualsTheLoadedDefaults) {
  config constructed;
  constructed.ingest.consumer_name = defaults().ingest.consumer_name;
  EXPECT_EQ(constructed, defaults());
}

TEST(ConfigShippedFiles, DevFileLoadsWithTheDocumentedLocalKey) {
  const config cfg = load_config(k_source_dir / "configs/dev.yaml", {});
  EXPECT_EQ(cfg.http.address, "127.0.0.1");
  EXPECT_EQ(cfg.http.port, 8080);
  EXPECT_EQ(cfg.redis.endpoint, (redis_endpoint{"127.0.0.1", 6379, "", 0, "", ""}));
  EXPECT_EQ(cfg.logging.format, log_format::logfmt);
  EXPECT_EQ(cfg.logging.level, log_level::debug);
  EXPECT_EQ(cfg.optimizer.interval, std::chrono::minutes(5));
  EXPECT_FALSE(cfg.qdrant.endpoint.has_value());
  ASSERT_EQ(cfg.auth.keys.size(), 1u);
  const auth_key& key = cfg.auth.keys.front();
  EXPECT_EQ(key.sha256, sha256_of("dev-admin-key"));
  EXPECT_THAT(key.permissions, ElementsAre(permission::read, permission::write, permission::delete_,
                                           permission::admin));
}

// ---------------------------------------------------------------------------------------------
// The key list drives the docs and the shipped file

TEST(ConfigKeys, EveryKeyIsSetAndCommentedInTheProductionFile) {
  const auto path = k_source_dir / "configs/index-optimizer.yaml";
  const YAML::Node root = YAML::LoadFile(path.string());
  std::vector<std::string> lines;
  {
    std::istringstream text(read_file(path));
    for (std::string line; std::getline(text, line);)
      lines.push_back(line);
  }
  for (const key_info& key : config_keys()) {
    const YAML::Node section = root[std::string(key.section)];
    ASSERT_TRUE(section.IsMap()) << key.section;
    bool found = false;
    for (auto it = section.begin(); it != section.end(); ++it) {
      if (it->first.Scalar() != key.name) continue;
      found = true;
      const int line = it->first.Mark().line;
      ASSERT_GT(line, 0);
      const std::string& above = lines[static_cast<std::size_t>(line - 1)];
      EXPECT_NE(above.find_first_not_of(' '), std::string::npos);
      EXPECT_EQ(above[above.find_first_not_of(' ')], '#')
          << key.path() << " has no comment right above it";
    }
    EXPECT_TRUE(found) << key.path() << " is missing from " << path;
  }
}

TEST(ConfigKeys, EveryKeyAndItsVariableAreDocumented) {
  const std::string docs = read_file(k_source_dir / "docs/configuration.md");
  ASSERT_FALSE(docs.empty());
  for (const key_info& key : config_keys()) {
    EXPECT_THAT(docs, HasSubstr("`" + key.path() + "`"));
    EXPECT_THAT(docs, HasSubstr("`" + key.environment_variable() + "`"));
  }
}

TEST(ConfigKeys, VariablesAreDerivedFromThePathAndUnique) {
  std::set<std::string> variables;
  for (const key_info& key : config_keys()) {
    EXPECT_TRUE(variables.insert(key.environment_variable()).second) << key.path();
  }
  const auto& first = config_keys().front();
  EXPECT_EQ(first.path(), "http.address");
  EXPECT_EQ(first.environment_variable(), "INDEX_OPTIMIZER_HTTP_ADDRESS");
  bool saw_max_body = false;
  for (const key_info& key : config_keys()) {
    if (key.path() == "http.max_body_bytes") {
      saw_max_body = true;
      EXPECT_EQ(key.environment_variable(), "INDEX_OPTIMIZER_HTTP_MAX_BODY_BYTES");
    }
  }
  EXPECT_TRUE(saw_max_body);
}

TEST(ConfigKeys, OnlyTheApiKeyIsSecretAndReloadableKeysAreTheDocumentedOnes) {
  std::vector<std::string> secret, reloadable;
  for (const key_info& key : config_keys()) {
    if (key.secret) secret.push_back(key.path());
    if (key.reloadable && key.section != "optimizer") reloadable.push_back(key.path());
  }
  EXPECT_THAT(secret, ElementsAre("qdrant.api_key"));
  EXPECT_THAT(reloadable, ElementsAre("auth.keys", "logging.level"));
}

// ---------------------------------------------------------------------------------------------
// Validation errors name the key, file and line

TEST(ConfigValidation, UnknownKeyNamesKeyFileLineAndTheAllowedKeys) {
  const std::string error = load_error("http:\n  port: 8080\n  prot: 9090\n");
  EXPECT_THAT(error, HasSubstr("test.yaml:3:3: http.prot: unknown key"));
  EXPECT_THAT(error, HasSubstr("max_body_bytes"));
}

TEST(ConfigValidation, UnknownSectionIsAnError) {
  EXPECT_THAT(load_error("htp:\n  port: 1\n"),
              AllOf(HasSubstr("test.yaml:1:1: htp: unknown section"), HasSubstr("http, auth")));
}

TEST(ConfigValidation, WrongTypeNamesTheExpectedType) {
  EXPECT_THAT(
      load_error("http:\n  port: [1, 2]\n"),
      HasSubstr("test.yaml:2:3: http.port: expected an integer from 0 to 65535, got a list"));
  EXPECT_THAT(load_error("http:\n  port: \"8080\"\n"),
              HasSubstr("http.port: expected an integer from 0 to 65535, got the quoted string"));
  EXPECT_THAT(load_error("auth:\n  required: yes\n"),
              HasSubstr("test.yaml:2:3: auth.required: expected true or false, got \"yes\""));
  EXPECT_THAT(load_error("ingest:\n  streams: events\n"),
              HasSubstr("ingest.streams: expected a list of strings, got a scalar"));
  EXPECT_THAT(load_error("http: 8080\n"), HasSubstr("test.yaml:1:1: http: expected a mapping"));
  EXPECT_THAT(load_error("- http\n"), HasSubstr("the top level must be a mapping"));
}

TEST(ConfigValidation, OutOfRangeNamesTheAllowedRange) {
  EXPECT_THAT(load_error("http:\n  port: 70000\n"),
              HasSubstr("test.yaml:2:3: http.port: \"70000\" is out of range; allowed 0 to 65535"));
  EXPECT_THAT(load_error("http:\n  max_body_bytes: \"1GiB\"\n"),
              HasSubstr("http.max_body_bytes: \"1GiB\" is out of range; allowed 1KiB to 64MiB"));
  EXPECT_THAT(load_error("http:\n  read_timeout: \"1h\"\n"),
              HasSubstr("http.read_timeout: \"1h\" is out of range; allowed 100ms to 10m"));
  EXPECT_THAT(load_error("http:\n  threads: -1\n"),
              HasSubstr("http.threads: \"-1\" is out of range; allowed 1 to 64"));
  EXPECT_THAT(load_error("http:\n  threads: 2x\n"),
              HasSubstr("http.threads: expected an integer from 1 to 64, got \"2x\""));
}

TEST(ConfigValidation, BadDurationsAndSizesExplainTheSyntax) {
  EXPECT_THAT(load_error("http:\n  read_timeout: 10\n"),
              HasSubstr("test.yaml:2:3: http.read_timeout: duration \"10\" needs a unit"));
  EXPECT_THAT(load_error("http:\n  read_timeout: 1.5s\n"),
              HasSubstr("http.read_timeout: expected a duration"));
  EXPECT_THAT(load_error("http:\n  read_timeout: 10 s\n"), HasSubstr("http.read_timeout:"));
  EXPECT_THAT(load_error("http:\n  max_body_bytes: 1MB\n"),
              HasSubstr("http.max_body_bytes: expected a size in bytes"));
}

TEST(ConfigValidation, BadChoiceListsTheChoices) {
  EXPECT_THAT(load_error("logging:\n  level: verbose\n"),
              HasSubstr("logging.level: expected one of trace, debug, info, warn, error, got "
                        "\"verbose\""));
}

TEST(ConfigValidation, BadRedisUrls) {
  EXPECT_THAT(load_error("redis:\n  url: rediss://cache:6379\n"),
              HasSubstr("test.yaml:2:3: redis.url: rediss:// (TLS) is not supported"));
  EXPECT_THAT(load_error("redis:\n  url: redis://cache:http\n"),
              HasSubstr("redis.url: expected redis://"));
  EXPECT_THAT(load_error("redis:\n  url: cache:6379\n"), HasSubstr("the scheme"));
  EXPECT_THAT(load_error("redis:\n  url: redis://cache/db1\n"), HasSubstr("database \"db1\""));
}

TEST(ConfigValidation, BadQdrantUrls) {
  EXPECT_THAT(load_error("qdrant:\n  url: ftp://q:6333\n"),
              HasSubstr("test.yaml:2:3: qdrant.url: expected http://host[:port]"));
  EXPECT_THAT(load_error("qdrant:\n  url: http://q:6333/collections\n"),
              HasSubstr("a path, query or fragment is not allowed"));
  EXPECT_THAT(load_error("qdrant:\n  url: http://q:0\n"), HasSubstr("port \"0\""));
}

TEST(ConfigValidation, BadAuthKeys) {
  const std::string good_hash(64, 'a');
  EXPECT_THAT(load_error("auth:\n  keys:\n    - name: ci\n      sha256: " + std::string(64, 'A') +
                         "\n      permissions: [read]\n"),
              HasSubstr("test.yaml:4:7: auth.keys[0].sha256: sha256 must be 64 lower-case hex"));
  EXPECT_THAT(load_error("auth:\n  keys:\n    - name: ci\n      sha256: abc\n"
                         "      permissions: [read]\n"),
              HasSubstr("auth.keys[0].sha256"));
  EXPECT_THAT(load_error("auth:\n  keys:\n    - name: ci\n      sha256: " + good_hash +
                         "\n      permissions: [read, superuser]\n"),
              HasSubstr("test.yaml:5:27: auth.keys[0].permissions: unknown permission "
                        "\"superuser\"; allowed read, write, delete, admin"));
  EXPECT_THAT(load_error("auth:\n  keys:\n    - name: ci\n      sha256: " + good_hash + "\n"),
              HasSubstr("auth.keys[0]: missing permissions"));
  EXPECT_THAT(load_error("auth:\n  keys:\n    - name: ci\n      sha256: " + good_hash +
                         "\n      permissions: [read]\n      key: hunter2\n"),
              HasSubstr("unknown field \"key\""));
  EXPECT_THAT(load_error("auth:\n  keys:\n    - {name: a, sha256: " + good_hash +
                         ", permissions: [read]}\n    - {name: a, sha256: " + std::string(64, 'b') +
                         ", permissions: [read]}\n"),
              HasSubstr("auth.keys: two keys are named \"a\""));
  EXPECT_THAT(
      load_error("auth:\n  keys:\n    - {name: a, sha256: " + good_hash + ", permissions: []}\n"),
      HasSubstr("has no permissions"));
}

TEST(ConfigValidation, UnreadableSecretFileNamesKeyLineAndPath) {
  const std::string error = load_error(
      "qdrant:\n  url: https://q.example:6333\n  api_key_file: /nonexistent/qdrant-key\n");
  EXPECT_THAT(error, HasSubstr("test.yaml:3:3: qdrant.api_key_file: cannot read "
                               "\"/nonexistent/qdrant-key\": No such file or directory"));
  EXPECT_THAT(load_error("redis:\n  password_file: /nonexistent/redis-pw\n"),
              HasSubstr("test.yaml:2:3: redis.password_file: cannot read"));
  EXPECT_THAT(load_error("qdrant:\n  ca_file: /nonexistent/ca.pem\n"),
              HasSubstr("test.yaml:2:3: qdrant.ca_file: cannot read"));
}

TEST(ConfigValidation, SyntaxErrorsAndDuplicatesAreLocated) {
  EXPECT_THAT(load_error("http:\n  port: [1\n  threads: 2\n"), HasSubstr("not valid YAML"));
  EXPECT_THAT(load_error("http:\n  port: 1\n  port: 2\n"),
              HasSubstr("test.yaml:3:3: http.port: key appears twice"));
  EXPECT_THAT(load_error("http:\n  port: 1\nhttp:\n  port: 2\n"),
              HasSubstr("test.yaml:3:1: http: section appears twice"));
}

TEST(ConfigValidation, CrossKeyRulesNameTheKeyAndWhereItWasSet) {
  EXPECT_THAT(load_error("window:\n  length: 24h\n  bucket: 7s\n"),
              HasSubstr("test.yaml:3:3: window.bucket: 7s does not divide window.length (1d)"));
  EXPECT_THAT(load_error("window:\n  analytics_length: 90d\n  analytics_bucket: 1s\n"),
              HasSubstr("window.analytics_bucket: window.analytics_length / "
                        "window.analytics_bucket is 7776000 buckets"));
  EXPECT_THAT(load_error("ingest:\n  reclaim_idle: 2s\n"),
              HasSubstr("test.yaml:2:3: ingest.reclaim_idle: 2s must be longer than"));
  EXPECT_THAT(load_error("http:\n  address: localhost\n"),
              HasSubstr("http.address: \"localhost\" is not an IP address"));
  EXPECT_THAT(load_error("http:\n  max_connections: 16\n  reserved_connections: 9\n"),
              HasSubstr("test.yaml:3:3: http.reserved_connections: 9 is more than half of "
                        "http.max_connections (16); at most 8"));
  EXPECT_THAT(load_error("auth:\n  open_paths: [healthz]\n"),
              HasSubstr("auth.open_paths: \"healthz\" must be an exact request path"));
  EXPECT_THAT(load_error("ingest:\n  streams: []\n"),
              HasSubstr("ingest.streams: at least one stream is required"));
  EXPECT_THAT(load_error("ingest:\n  streams: [a, a]\n"), HasSubstr("\"a\" is listed twice"));
  EXPECT_THAT(load_error("ingest:\n  streams: [a]\n  dead_letter_stream: a\n"),
              HasSubstr("must not be one of ingest.streams"));
  EXPECT_THAT(load_error("redis:\n  key_prefix: \"{io}:\"\n"), HasSubstr("redis.key_prefix"));
}

TEST(ConfigValidation, EveryProblemIsReportedAtOnce) {
  try {
    load("http:\n  port: 70000\n  threads: 0\nlogging:\n  level: loud\n");
    FAIL() << "expected a config_error";
  } catch (const config_error& error) {
    EXPECT_EQ(error.problems().size(), 3u) << error.what();
  }
}

TEST(ConfigValidation, RejectedValuesAreNotCheckedAgainAsDefaults) {
  try {
    load("ingest:\n  commit_interval: 5m\n  reclaim_idle: soon\n");
    FAIL() << "expected a config_error";
  } catch (const config_error& error) {
    ASSERT_EQ(error.problems().size(), 1u) << error.what();
    EXPECT_THAT(error.problems()[0], HasSubstr("test.yaml:3:3: ingest.reclaim_idle: expected"));
  }
  EXPECT_THAT(load_error("ingest:\n  commit_interval: 5m\n"),
              HasSubstr("test.yaml (not set, default): ingest.reclaim_idle: 1m must be longer"));
}

TEST(ConfigValidation, MissingFileNamesThePath) {
  try {
    load_config("/nonexistent/index-optimizer.yaml", {});
    FAIL() << "expected a config_error";
  } catch (const config_error& error) {
    EXPECT_THAT(error.what(), HasSubstr("\"/nonexistent/index-optimizer.yaml\""));
  }
  testing::temp_dir dir;
  EXPECT_THROW(load_config(dir.path(), {}), config_error);
}

// ---------------------------------------------------------------------------------------------
// Environment overrides

TEST(ConfigEnvironment, ScalarVariablesOverrideTheFile) {
  const config cfg =
      load("http:\n  port: 8080\n", {{"INDEX_OPTIMIZER_HTTP_PORT", "9090"},
                                     {"INDEX_OPTIMIZER_REDIS_URL", "redis://cache.internal:6380/2"},
                                     {"INDEX_OPTIMIZER_QDRANT_URL", "https://qdrant.internal:6333"},
                                     {"INDEX_OPTIMIZER_OPTIMIZER_INTERVAL", "30m"},
                                     {"INDEX_OPTIMIZER_OPTIMIZER_DRY_RUN", "true"},
                                     {"INDEX_OPTIMIZER_LOGGING_LEVEL", "warn"},
                                     {"INDEX_OPTIMIZER_HTTP_MAX_BODY_BYTES", "2MiB"}});
  EXPECT_EQ(cfg.http.port, 9090);
  EXPECT_EQ(cfg.redis.endpoint, (redis_endpoint{"cache.internal", 6380, "", 2, "", ""}));
  ASSERT_TRUE(cfg.qdrant.endpoint.has_value());
  EXPECT_EQ(*cfg.qdrant.endpoint, (qdrant_endpoint{"https", "qdrant.internal", 6333}));
  EXPECT_EQ(cfg.optimizer.interval, std::chrono::minutes(30));
  EXPECT_TRUE(cfg.optimizer.dry_run);
  EXPECT_EQ(cfg.logging.level, log_level::warn);
  EXPECT_EQ(cfg.http.max_body_bytes, 2u << 20);
}

TEST(ConfigEnvironment, ListVariablesAreCommaSeparated) {
  const config cfg = load("", {{"INDEX_OPTIMIZER_INGEST_STREAMS", "io:{a}, io:{b}"},
                               {"INDEX_OPTIMIZER_OPTIMIZER_DENY_FIELDS", ""},
                               {"INDEX_OPTIMIZER_AUTH_OPEN_PATHS", "/healthz"}});
  EXPECT_THAT(cfg.ingest.streams, ElementsAre("io:{a}", "io:{b}"));
  EXPECT_TRUE(cfg.optimizer.deny_fields.empty());
  EXPECT_THAT(cfg.auth.open_paths, ElementsAre("/healthz"));
  EXPECT_THAT(load_error("", {{"INDEX_OPTIMIZER_INGEST_STREAMS", "a,,b"}}),
              HasSubstr("environment variable INDEX_OPTIMIZER_INGEST_STREAMS: ingest.streams: "
                        "empty element"));
}

TEST(ConfigEnvironment, AuthKeysVariableTakesNameHashPermissions) {
  const std::string hash = to_hex(sha256_of("ci-key"));
  const config cfg =
      load("", {{"INDEX_OPTIMIZER_AUTH_KEYS",
                 "ci:" + hash + ":read+write, ops:" + to_hex(sha256_of("ops-key")) + ":admin"}});
  ASSERT_EQ(cfg.auth.keys.size(), 2u);
  EXPECT_EQ(cfg.auth.keys[0].name, "ci");
  EXPECT_EQ(cfg.auth.keys[0].sha256, sha256_of("ci-key"));
  EXPECT_THAT(cfg.auth.keys[0].permissions, ElementsAre(permission::read, permission::write));
  EXPECT_THAT(cfg.auth.keys[1].permissions, ElementsAre(permission::admin));
  EXPECT_THAT(load_error("", {{"INDEX_OPTIMIZER_AUTH_KEYS", "ci:" + hash + ":root"}}),
              HasSubstr("environment variable INDEX_OPTIMIZER_AUTH_KEYS: "
                        "auth.keys[0].permissions: unknown permission \"root\""));
  EXPECT_THAT(load_error("", {{"INDEX_OPTIMIZER_AUTH_KEYS", "ci-key-in-plaintext"}}),
              HasSubstr("expected name:sha256:permission"));
}

TEST(ConfigEnvironment, BadValuesNameTheVariable) {
  EXPECT_THAT(load_error("", {{"INDEX_OPTIMIZER_HTTP_PORT", "eighty"}}),
              HasSubstr("environment variable INDEX_OPTIMIZER_HTTP_PORT: http.port: expected an "
                        "integer from 0 to 65535, got \"eighty\""));
  EXPECT_THAT(load_error("", {{"INDEX_OPTIMIZER_REDIS_URL", "rediss://cache"}}),
              HasSubstr("environment variable INDEX_OPTIMIZER_REDIS_URL: redis.url: rediss://"));
  EXPECT_THAT(load_error("", {{"INDEX_OPTIMIZER_WINDOW_BUCKET", "7s"}}),
              HasSubstr("environment variable INDEX_OPTIMIZER_WINDOW_BUCKET: window.bucket:"));
}

TEST(ConfigEnvironment, MisspeltVariablesOfKnownSectionsAreErrors) {
  EXPECT_THAT(load_error("", {{"INDEX_OPTIMIZER_HTTP_PROT", "1"}}),
              AllOf(HasSubstr("environment variable INDEX_OPTIMIZER_HTTP_PROT: does not name a "
                              "configuration key"),
                    HasSubstr("INDEX_OPTIMIZER_HTTP_PORT")));
  EXPECT_NO_THROW(load("", {{"INDEX_OPTIMIZER_CONFIG", "/etc/x.yaml"}, {"HOME", "/root"}}));
}

TEST(ConfigEnvironment, VariablesOfNoSectionAreWarnedAboutByNameWithTheKeyTheyMeant) {
  const env_map env{{"INDEX_OPTIMIZER_HTTPP_PORT", "1"},
                    {"INDEX_OPTIMIZER_QDRANTURL", "http://secret-host:6333"},
                    {"INDEX_OPTIMIZER_COLOUR", "blue"},
                    {"INDEX_OPTIMIZER_", "x"},
                    {"INDEX_OPTIMIZER_HTTP_PORT", "9090"},
                    {"HOME", "/root"}};
  EXPECT_NO_THROW(load("", env));  // warned about, not refused
  const auto warnings = environment_warnings(env);
  ASSERT_EQ(warnings.size(), 4u) << ::testing::PrintToString(warnings);
  // The map's order: INDEX_OPTIMIZER_, _COLOUR, _HTTPP_PORT, _QDRANTURL.
  EXPECT_THAT(warnings[0], HasSubstr("environment variable INDEX_OPTIMIZER_ is ignored"));
  EXPECT_THAT(warnings[1], AllOf(HasSubstr("INDEX_OPTIMIZER_COLOUR is ignored"),
                                 Not(HasSubstr("did you mean"))));
  EXPECT_THAT(warnings[2],
              AllOf(HasSubstr("environment variable INDEX_OPTIMIZER_HTTPP_PORT is ignored: it "
                              "names no configuration section"),
                    HasSubstr("SECTION one of "), HasSubstr(" HTTP, "), HasSubstr(" QDRANT, "),
                    HasSubstr("did you mean INDEX_OPTIMIZER_HTTP_PORT?")));
  EXPECT_THAT(warnings[3], HasSubstr("did you mean INDEX_OPTIMIZER_QDRANT_URL?"));
  for (const auto& warning : warnings) {
    EXPECT_THAT(warning, Not(HasSubstr("secret-host")));
    EXPECT_THAT(warning, Not(HasSubstr("blue")));
  }
}

TEST(ConfigEnvironment, KeyVariablesAndTheScriptsOwnVariablesAreNotWarnedAbout) {
  env_map env;
  for (const auto& key : config_keys())
    env[key.environment_variable()] = "";
  // What the scripts read ("$INDEX_OPTIMIZER_X", "${INDEX_OPTIMIZER_X:-...}"), found in the
  // scripts themselves, so a new script variable cannot make the daemon warn unnoticed; each is
  // documented.
  const std::string docs = read_file(k_source_dir / "docs/configuration.md");
  const std::regex read_by_script(R"(\$\{?(INDEX_OPTIMIZER_[A-Z0-9_]+))");
  std::set<std::string> script_variables;
  for (const auto& entry : std::filesystem::directory_iterator(k_source_dir / "scripts")) {
    const std::string text = read_file(entry.path());
    for (auto it = std::sregex_iterator(text.begin(), text.end(), read_by_script);
         it != std::sregex_iterator(); ++it) {
      script_variables.insert((*it)[1]);
    }
  }
  EXPECT_THAT(script_variables, Contains("INDEX_OPTIMIZER_DEMO_URL"));
  EXPECT_THAT(script_variables, Contains("INDEX_OPTIMIZER_DEV_REDIS_PORT"));
  for (const auto& variable : script_variables) {
    if (env.count(variable) != 0) continue;  // a key's variable (scripts/run sets redis.url)
    env[variable] = "";
    EXPECT_THAT(docs, HasSubstr("`" + variable + "`")) << "docs/configuration.md";
  }
  env["INDEX_OPTIMIZER_CONFIG"] = "/etc/index-optimizer/index-optimizer.yaml";  // daemon/main.cpp
  EXPECT_THAT(docs, HasSubstr("`INDEX_OPTIMIZER_CONFIG`"));
  EXPECT_THAT(environment_warnings(env), ElementsAre());
}

TEST(ConfigEnvironment, EmptyStringClearsAStringKey) {
  const config cfg =
      load("qdrant:\n  url: http://127.0.0.1:6333\n", {{"INDEX_OPTIMIZER_QDRANT_URL", ""}});
  EXPECT_FALSE(cfg.qdrant.endpoint.has_value());
}

// Found by fuzz/config_fuzz.cpp: bytes that are not UTF-8 were stored as they came and rendered
// back as something else.
TEST(ConfigValidation, TextThatIsNotUtf8IsRejected) {
  EXPECT_THAT(load_error("", {{"INDEX_OPTIMIZER_INGEST_STREAMS", "a, b\x91"}}),
              HasSubstr("environment variable INDEX_OPTIMIZER_INGEST_STREAMS: ingest.streams: is "
                        "not valid UTF-8 text"));
  EXPECT_THAT(load_error("ingest:\n  group: \"g\xff\"\n"),
              HasSubstr("test.yaml:2:3: ingest.group: is not valid UTF-8 text"));
  EXPECT_EQ(load("ingest:\n  group: \"gr\xc3\xbc\xc3\x9f\"\n").ingest.group, "gr\xc3\xbc\xc3\x9f");
}

TEST(ConfigEnvironment, SnapshotReadsTheProcessEnvironment) {
  ASSERT_EQ(setenv("INDEX_OPTIMIZER_TEST_SNAPSHOT", "a=b", 1), 0);
  const auto env = environment_snapshot();
  unsetenv("INDEX_OPTIMIZER_TEST_SNAPSHOT");
  ASSERT_TRUE(env.count("INDEX_OPTIMIZER_TEST_SNAPSHOT"));
  EXPECT_EQ(env.at("INDEX_OPTIMIZER_TEST_SNAPSHOT"), "a=b");
}

// ---------------------------------------------------------------------------------------------
// Secrets

TEST(ConfigSecrets, FilesAreReadRelativeToTheConfigAndTrimmed) {
  testing::temp_dir dir;
  write_file(dir.path() / "qdrant-key", "qk-123\n");
  write_file(dir.path() / "redis-password", "p@ss:word\r\n");
  write_file(dir.path() / "ca.pem", "-----BEGIN CERTIFICATE-----\n");
  write_file(dir.path() / "config.yaml",
             "redis:\n  password_file: redis-password\n"
             "qdrant:\n  url: https://q.example:6333\n  api_key_file: qdrant-key\n"
             "  ca_file: ca.pem\n");
  const config cfg = load_config(dir.path() / "config.yaml", {});
  EXPECT_EQ(cfg.qdrant.api_key, "qk-123");
  EXPECT_EQ(cfg.redis.endpoint.password, "p@ss:word");
  EXPECT_EQ(cfg.qdrant.ca_file, (dir.path() / "ca.pem").string());
  EXPECT_EQ(cfg.qdrant.api_key_file, (dir.path() / "qdrant-key").string());
}

TEST(ConfigSecrets, FilesCanComeFromTheEnvironment) {
  testing::temp_dir dir;
  write_file(dir.path() / "key", "from-file\n");
  const config cfg =
      load("", {{"INDEX_OPTIMIZER_QDRANT_API_KEY_FILE", (dir.path() / "key").string()}});
  EXPECT_EQ(cfg.qdrant.api_key, "from-file");
  EXPECT_EQ(load("", {{"INDEX_OPTIMIZER_QDRANT_API_KEY", "from-env"}}).qdrant.api_key, "from-env");
}

TEST(ConfigSecrets, OneSecretHasOneSource) {
  testing::temp_dir dir;
  write_file(dir.path() / "key", "k\n");
  write_file(dir.path() / "empty", "\n");
  const std::string key_file = (dir.path() / "key").string();
  EXPECT_THAT(load_error("qdrant:\n  api_key: inline\n  api_key_file: " + key_file + "\n"),
              HasSubstr("qdrant.api_key_file: qdrant.api_key is also set"));
  EXPECT_THAT(load_error("redis:\n  url: redis://:pw@cache\n  password_file: " + key_file + "\n"),
              HasSubstr("redis.password_file: redis.url already carries a password"));
  EXPECT_THAT(load_error("qdrant:\n  api_key_file: " + (dir.path() / "empty").string() + "\n"),
              HasSubstr("is empty"));
}

TEST(ConfigSecrets, RenderRedactsEverySecret) {
  testing::temp_dir dir;
  write_file(dir.path() / "key", "file-secret-42\n");
  const config from_url = load(
      "redis:\n  url: redis://app:url-secret-17@cache:6380/1\n"
      "qdrant:\n  url: https://q.example\n  api_key: inline-secret-9\n");
  const std::string rendered = render_effective_config(from_url);
  EXPECT_THAT(rendered, Not(HasSubstr("url-secret-17")));
  EXPECT_THAT(rendered, Not(HasSubstr("inline-secret-9")));
  EXPECT_THAT(rendered, HasSubstr("redis://app:<redacted>@cache:6380/1"));
  EXPECT_THAT(rendered, HasSubstr("api_key: \"<redacted>\""));

  const config from_file = load("qdrant:\n  api_key_file: " + (dir.path() / "key").string() + "\n");
  EXPECT_THAT(render_effective_config(from_file), Not(HasSubstr("file-secret-42")));
}

TEST(ConfigSecrets, ErrorsNeverQuoteSecrets) {
  const std::string error = load_error("redis:\n  url: redis://:hunter2@cache:notaport/0\n",
                                       {
                                           {"INDEX_OPTIMIZER_QDRANT_API_KEY", "k"},
                                       });
  EXPECT_THAT(error, HasSubstr("redis.url"));
  EXPECT_THAT(error, Not(HasSubstr("hunter2")));
  EXPECT_THAT(load_error("qdrant:\n  api_key: [s3cr3t]\n"), Not(HasSubstr("s3cr3t")));
}

// ---------------------------------------------------------------------------------------------
// Rendering and reload

TEST(ConfigRender, EffectiveConfigLoadsBackToTheSameConfig) {
  const std::string hash = to_hex(sha256_of("k"));
  const config original = load(
      "http:\n  port: 9000\n  max_body_bytes: 1536\n  read_timeout: 90s\n"
      "auth:\n  keys:\n    - {name: ops, sha256: " +
      hash +
      ", permissions: [admin, read]}\n"
      "  required: false\n"
      "redis:\n  url: unix:///run/redis.sock?db=3\n"
      "ingest:\n  streams: [\"io:{a}\", \"io:{b}\"]\n  consumer_name: worker-1\n"
      "optimizer:\n  deny_fields: [\"secret.*\", \"true\"]\n  threshold: 250\n"
      "qdrant:\n  url: http://[::1]:6333\n"
      "namespaces:\n  default_compute_tier: dedicated_gpu\n"
      "logging:\n  level: trace\n  format: json\n");
  const std::string rendered = render_effective_config(original);
  const config reloaded = load(rendered);
  EXPECT_EQ(reloaded, original) << rendered;
  EXPECT_EQ(original.redis.endpoint.unix_path, "/run/redis.sock");
  EXPECT_EQ(original.redis.endpoint.db, 3);
  EXPECT_EQ(original.qdrant.endpoint->host, "::1");
  for (const key_info& key : config_keys()) {
    EXPECT_THAT(rendered, HasSubstr(std::string(key.name) + ":")) << key.path();
  }
}

// Found by fuzz/config_fuzz.cpp: the key read from api_key_file was rendered as
// `api_key: "<redacted>"` beside api_key_file, which the loader rejects as set twice.
TEST(ConfigRender, KeyFromApiKeyFileRendersAsTheFileAlone) {
  testing::temp_dir dir;
  write_file(dir.path() / "key", "file-secret-42\n");
  const config original = load(
      "qdrant:\n  url: https://q.example\n  api_key_file: " + (dir.path() / "key").string() + "\n");
  ASSERT_EQ(original.qdrant.api_key, "file-secret-42");
  const std::string rendered = render_effective_config(original);
  EXPECT_THAT(rendered, Not(HasSubstr("file-secret-42")));
  EXPECT_THAT(rendered, HasSubstr("api_key: \"\""));
  EXPECT_EQ(load(rendered), original) << rendered;
}

TEST(ConfigReload, DescribesReloadableChangesAndNamesRestartKeys) {
  const std::string yaml_before =
      "auth:\n  keys:\n"
      "    - {name: a, sha256: " +
      to_hex(sha256_of("a")) +
      ", permissions: [read]}\n"
      "    - {name: b, sha256: " +
      to_hex(sha256_of("b")) + ", permissions: [read]}\n";
  const std::string yaml_after =
      "auth:\n  keys:\n"
      "    - {name: a, sha256: " +
      to_hex(sha256_of("a")) +
      ", permissions: [write]}\n"
      "    - {name: c, sha256: " +
      to_hex(sha256_of("c")) +
      ", permissions: [read]}\n"
      "optimizer:\n  threshold: 200\n  interval: 1h\n"
      "logging:\n  level: debug\n"
      "http:\n  port: 9999\n"
      "qdrant:\n  api_key: new-secret\n";
  const config before = load(yaml_before);
  const config after = load(yaml_after);
  const auto lines = describe_reload(before, after);
  EXPECT_THAT(
      lines, ElementsAre("auth.keys: added c; removed b; changed a", "optimizer.interval: 6h -> 1h",
                         "optimizer.threshold: 100 -> 200", "logging.level: info -> debug"));
  for (const auto& line : lines) {
    EXPECT_THAT(line, Not(HasSubstr(to_hex(sha256_of("a")))));
  }
  EXPECT_THAT(changed_restart_keys(before, after), ElementsAre("http.port", "qdrant.api_key"));
  EXPECT_TRUE(requires_restart(before, after));
  EXPECT_TRUE(describe_reload(before, before).empty());
  EXPECT_FALSE(requires_restart(before, before));
}

TEST(ConfigReload, RotatedRedisPasswordFileNeedsARestart) {
  testing::temp_dir dir;
  const auto file = dir.path() / "pw";
  write_file(file, "one\n");
  const std::string yaml = "redis:\n  password_file: " + file.string() + "\n";
  const config before = load(yaml);
  write_file(file, "two\n");
  const config after = load(yaml);
  EXPECT_THAT(changed_restart_keys(before, after), ElementsAre("redis.password_file"));
}

TEST(ConfigReload, AConfigThatWouldLeaveAuthRequiredWithoutKeysIsRefused) {
  const auto emptied = reload_problems(load(""));
  ASSERT_EQ(emptied.size(), 1u);
  EXPECT_NE(emptied[0].find("auth.keys"), std::string::npos) << emptied[0];
  EXPECT_NE(emptied[0].find("401"), std::string::npos) << emptied[0];
  EXPECT_TRUE(reload_problems(load("auth:\n  required: false\n")).empty());
  EXPECT_TRUE(reload_problems(load("auth:\n  keys:\n    - name: ops\n      sha256: " +
                                   std::string(64, 'a') + "\n      permissions: [read]\n"))
                  .empty());
}

TEST(ConfigWarnings, FlagRiskySettings) {
  const auto open_public =
      config_warnings(load("http:\n  address: 0.0.0.0\nauth:\n  required: false\n"));
  EXPECT_THAT(open_public, Contains(HasSubstr("auth.required is false")));
  EXPECT_THAT(config_warnings(defaults()), Contains(HasSubstr("auth.keys is empty")));
  EXPECT_THAT(config_warnings(load("qdrant:\n  url: http://10.0.0.5:6333\n  api_key: k\n")),
              Contains(HasSubstr("unencrypted")));
  const std::string hash = to_hex(sha256_of("k"));
  EXPECT_THAT(config_warnings(load("auth:\n  keys: [{name: a, sha256: " + hash +
                                   ", permissions: [read]}]\n"
                                   "qdrant:\n  url: https://q.example\n")),
              ::testing::IsEmpty());
}

TEST(ConfigQdrant, ConcurrentQdrantCallersDefaultToHalfTheWorkersAndStayBelowThem) {
  EXPECT_EQ(defaults().qdrant.concurrency_limit, 8);
  EXPECT_EQ(load("http:\n  worker_threads: 7\n").qdrant.concurrency_limit, 3);
  EXPECT_EQ(load("http:\n  worker_threads: 1\n").qdrant.concurrency_limit, 1);
  const auto set = load("qdrant:\n  max_concurrent_requests: 5\n");
  EXPECT_EQ(set.qdrant.concurrency_limit, 5);
  EXPECT_EQ(
      load("", {{"INDEX_OPTIMIZER_QDRANT_MAX_CONCURRENT_REQUESTS", "3"}}).qdrant.concurrency_limit,
      3);
  EXPECT_THAT(load_error("qdrant:\n  circuit_breaker_failures: 0\n"),
              HasSubstr("qdrant.circuit_breaker_failures"));
  EXPECT_EQ(load("qdrant:\n  circuit_breaker_cooldown: 5s\n").qdrant.circuit_breaker_cooldown,
            std::chrono::seconds(5));
  // Every worker may wait on Qdrant: a hanging Qdrant would stall the Redis-only routes.
  const auto all = load(
      "http:\n  worker_threads: 4\nqdrant:\n  url: https://q.example\n"
      "  max_concurrent_requests: 4\n");
  EXPECT_THAT(config_warnings(all), Contains(HasSubstr("qdrant.max_concurrent_requests (4)")));
}

TEST(ConfigIngest, DeadLetterStreamFollowsEachStreamUnlessSet) {
  ingest_config ingest;
  EXPECT_EQ(dead_letter_stream_for(ingest, "io:{events}"), "io:{events}:dead-letter");
  ingest.dead_letter_stream = "io:dead";
  EXPECT_EQ(dead_letter_stream_for(ingest, "io:{events}"), "io:dead");
}

}  // namespace
}  // namespace index_optimizer
