#include "namespace_registry/namespace_registry.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <array>
#include <exception>

#include "namespace_model/namespace_id.hpp"
#include "ops/logger.hpp"
#include "redis/redis_script.hpp"

namespace index_optimizer {
namespace {

// KEYS: doc, names, order. ARGV: id, name, document, creation score (unix microseconds).
const redis_script k_create_script(R"lua(
if redis.call('EXISTS', KEYS[1]) == 1 then return 'id_taken' end
if redis.call('HEXISTS', KEYS[2], ARGV[2]) == 1 then return 'name_taken' end
redis.call('SET', KEYS[1], ARGV[3])
redis.call('HSET', KEYS[2], ARGV[2], ARGV[1])
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[1])
return 'ok'
)lua");

// KEYS: doc, names. ARGV: id, expected version, new name, new document.
// Returns 'ok', 'not_found', 'name_taken' or the stored version (as a string) on a mismatch.
const redis_script k_store_script(R"lua(
local current = redis.call('GET', KEYS[1])
if not current then return 'not_found' end
local doc = cjson.decode(current)
if doc['version'] ~= tonumber(ARGV[2]) then return tostring(doc['version']) end
local old_name = doc['namespace_name']
if old_name ~= ARGV[3] then
  local owner = redis.call('HGET', KEYS[2], ARGV[3])
  if owner and owner ~= ARGV[1] then return 'name_taken' end
  if type(old_name) == 'string' and redis.call('HGET', KEYS[2], old_name) == ARGV[1] then
    redis.call('HDEL', KEYS[2], old_name)
  end
  redis.call('HSET', KEYS[2], ARGV[3], ARGV[1])
end
redis.call('SET', KEYS[1], ARGV[4])
return 'ok'
)lua");

// KEYS: doc, names, order. ARGV: id, expected version ('' = any).
// Returns the deleted document, 'not_found', or {version} (an array) on a mismatch.
const redis_script k_remove_script(R"lua(
local current = redis.call('GET', KEYS[1])
if not current then return 'not_found' end
local doc = cjson.decode(current)
if ARGV[2] ~= '' and doc['version'] ~= tonumber(ARGV[2]) then return {doc['version']} end
local name = doc['namespace_name']
if type(name) == 'string' and redis.call('HGET', KEYS[2], name) == ARGV[1] then
  redis.call('HDEL', KEYS[2], name)
end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[3], ARGV[1])
return current
)lua");

// MGET batch size for list(): bounds one reply's size without a round trip per namespace.
constexpr std::size_t k_list_batch = 256;

registry_error unavailable(const redis_error& error) {
  return {registry_errc::unavailable, "redis: " + error.message, std::nullopt};
}

registry_error unexpected_reply(std::string_view what, const redis_reply& reply) {
  return {registry_errc::unavailable,
          "redis " + std::string(what) + " answered unexpectedly: " + describe(reply),
          std::nullopt};
}

registry_error not_found(std::string_view identifier) {
  return {registry_errc::not_found, "Namespace '" + std::string(identifier) + "' not found",
          std::nullopt};
}

registry_error name_taken(std::string_view name) {
  return {registry_errc::name_taken, "Namespace name '" + std::string(name) + "' is already in use",
          std::nullopt};
}

std::string storage_text(const namespace_model& model) {
  return boost::json::serialize(to_storage_json(model));
}

// Microseconds keep namespaces created in the same millisecond in creation order, and stay below
// 2^53, so the sorted set's double scores hold them exactly.
std::int64_t unix_us(const std::optional<std::chrono::system_clock::time_point>& t) {
  if (!t) return 0;
  return std::chrono::duration_cast<std::chrono::microseconds>(t->time_since_epoch()).count();
}

}  // namespace

registry_result<namespace_model> parse_stored_namespace(std::string_view document,
                                                        std::string_view key) {
  boost::system::error_code ec;
  const auto json = boost::json::parse(document, ec);
  if (ec) {
    return registry_error{registry_errc::corrupt,
                          "stored namespace " + std::string(key) + " is not JSON: " + ec.message(),
                          std::nullopt};
  }
  auto parsed = namespace_model_from_json(json);
  if (!parsed.ok()) {
    std::string first;
    for (const auto& error : parsed.errors()) {
      if (!first.empty()) first += "; ";
      first += error.message;
    }
    return registry_error{registry_errc::corrupt,
                          "stored namespace " + std::string(key) + " is invalid: " + first,
                          std::nullopt};
  }
  return std::move(parsed).value();
}

namespace_registry_options namespace_registry_options_from(const config& cfg) {
  namespace_registry_options options;
  options.key_prefix = cfg.redis.key_prefix;
  options.acquire_timeout = cfg.redis.command_timeout;
  return options;
}

namespace_registry::namespace_registry(redis_pool& pool, namespace_registry_options options,
                                       namespace_deleted_hook on_deleted)
    : pool_(pool),
      options_(std::move(options)),
      keys_(options_.key_prefix),
      on_deleted_(std::move(on_deleted)) {}

registry_result<redis_pool::lease> namespace_registry::connection() {
  auto lease = pool_.acquire(options_.acquire_timeout);
  if (!lease) return unavailable(lease.error());
  return std::move(lease).value();
}

registry_result<namespace_model> namespace_registry::get(std::string_view namespace_id) {
  auto lease = connection();
  if (!lease) return lease.error();
  const std::string key = keys_.doc(namespace_id);
  auto reply = (*lease)->command({"GET", key});
  if (!reply) return unavailable(reply.error());
  if (reply->is_nil()) return not_found(namespace_id);
  if (!reply->is_string()) return unexpected_reply("GET", *reply);
  return parse_cached(reply->as_string(), key);
}

registry_result<namespace_model> namespace_registry::parse_cached(std::string_view document,
                                                                  std::string_view key) {
  if (auto cached = parsed_.find(key, document)) return std::move(*cached);
  auto parsed = parse_stored_namespace(document, key);
  if (parsed) parsed_.store(key, document, *parsed);
  return parsed;
}

registry_result<std::optional<std::string>> namespace_registry::id_for_name(std::string_view name) {
  auto lease = connection();
  if (!lease) return lease.error();
  auto reply = (*lease)->command({"HGET", keys_.names(), name});
  if (!reply) return unavailable(reply.error());
  if (reply->is_nil()) return std::optional<std::string>{};
  if (!reply->is_string()) return unexpected_reply("HGET", *reply);
  return std::optional<std::string>(reply->as_string());
}

registry_result<namespace_model> namespace_registry::resolve(std::string_view identifier) {
  if (looks_like_namespace_id(identifier)) {
    auto by_id = get(identifier);
    if (by_id || by_id.error().code != registry_errc::not_found) return by_id;
  }
  auto id = id_for_name(identifier);
  if (!id) return id.error();
  if (!id.value()) return not_found(identifier);
  auto by_name = get(**id);
  // A name entry whose document is gone (deleted between the two reads) is "not found" under
  // the name the client used.
  if (!by_name && by_name.error().code == registry_errc::not_found) return not_found(identifier);
  return by_name;
}

registry_result<std::vector<namespace_model>> namespace_registry::list() {
  auto lease = connection();
  if (!lease) return lease.error();
  redis_connection& redis = *lease.value();
  auto ids = redis.command({"ZRANGE", keys_.order(), "0", "-1"});
  if (!ids) return unavailable(ids.error());
  if (!ids->is_array()) return unexpected_reply("ZRANGE", *ids);

  std::vector<namespace_model> out;
  const auto& members = ids->as_array();
  for (std::size_t start = 0; start < members.size(); start += k_list_batch) {
    const std::size_t end = std::min(members.size(), start + k_list_batch);
    std::vector<std::string> mget{"MGET"};
    for (std::size_t i = start; i < end; ++i) {
      if (!members[i].is_string()) return unexpected_reply("ZRANGE", *ids);
      mget.push_back(keys_.doc(members[i].as_string()));
    }
    auto docs = redis.command(std::span<const std::string>(mget));
    if (!docs) return unavailable(docs.error());
    if (!docs->is_array()) return unexpected_reply("MGET", *docs);
    for (std::size_t i = 0; i < docs->as_array().size(); ++i) {
      const auto& doc = docs->as_array()[i];
      if (doc.is_nil()) continue;  // deleted since ZRANGE
      if (!doc.is_string()) return unexpected_reply("MGET", doc);
      auto model = parse_cached(doc.as_string(), mget[i + 1]);
      if (!model) {
        // One broken document must not hide every other namespace from the admin API.
        log_error("skipping a stored namespace that does not parse",
                  {{"key", mget[i + 1]}, {"error", model.error().message}});
        continue;
      }
      out.push_back(std::move(model).value());
    }
  }
  return out;
}

registry_result<namespace_model> namespace_registry::create(namespace_model model) {
  model.version = 1;
  auto lease = connection();
  if (!lease) return lease.error();
  const std::array<std::string, 3> keys{keys_.doc(model.namespace_id), keys_.names(),
                                        keys_.order()};
  const std::array<std::string, 4> args{model.namespace_id, model.namespace_name,
                                        storage_text(model),
                                        std::to_string(unix_us(model.created_at))};
  auto reply = eval(*lease.value(), k_create_script, keys, args);
  if (!reply) return unavailable(reply.error());
  const auto status = reply->to_optional_string();
  if (reply->is_error() || !status) return unexpected_reply("create script", *reply);
  if (*status == "ok") return model;
  if (*status == "name_taken") return name_taken(model.namespace_name);
  if (*status == "id_taken") {
    return registry_error{registry_errc::id_taken,
                          "Namespace id '" + model.namespace_id + "' is already in use",
                          std::nullopt};
  }
  return unexpected_reply("create script", *reply);
}

registry_result<namespace_model> namespace_registry::store(namespace_model next,
                                                           std::int64_t expected_version) {
  next.version = expected_version + 1;
  auto lease = connection();
  if (!lease) return lease.error();
  const std::array<std::string, 2> keys{keys_.doc(next.namespace_id), keys_.names()};
  const std::array<std::string, 4> args{next.namespace_id, std::to_string(expected_version),
                                        next.namespace_name, storage_text(next)};
  auto reply = eval(*lease.value(), k_store_script, keys, args);
  if (!reply) return unavailable(reply.error());
  const auto status = reply->to_optional_string();
  if (reply->is_error() || !status) return unexpected_reply("store script", *reply);
  if (*status == "ok") return next;
  if (*status == "not_found") return not_found(next.namespace_id);
  if (*status == "name_taken") return name_taken(next.namespace_name);
  const auto current = reply->to_integer();
  if (!current) return unexpected_reply("store script", *reply);
  return registry_error{registry_errc::version_mismatch,
                        "Namespace '" + next.namespace_id + "' is at version " +
                            std::to_string(*current) + ", not " + std::to_string(expected_version),
                        *current};
}

registry_result<namespace_model> namespace_registry::update(std::string_view namespace_id,
                                                            const change_function& change) {
  std::optional<registry_error> last;
  for (int attempt = 0; attempt < options_.max_update_attempts; ++attempt) {
    auto current = get(namespace_id);
    if (!current) return current.error();
    auto next = change(current.value());
    if (!next || *next == current.value()) return current;
    next->namespace_id = current->namespace_id;
    auto stored = store(std::move(*next), current->version);
    if (stored || stored.error().code != registry_errc::version_mismatch) return stored;
    last = stored.error();
  }
  return *last;
}

registry_result<namespace_model> namespace_registry::remove(
    std::string_view namespace_id, std::optional<std::int64_t> expected_version) {
  const std::string doc_key = keys_.doc(namespace_id);
  std::string removed_text;
  {
    // Handed back before the hook runs: the hook may need a pooled connection itself.
    auto lease = connection();
    if (!lease) return lease.error();
    const std::array<std::string, 3> keys{doc_key, keys_.names(), keys_.order()};
    const std::array<std::string, 2> args{
        std::string(namespace_id), expected_version ? std::to_string(*expected_version) : ""};
    auto reply = eval(*lease.value(), k_remove_script, keys, args);
    if (!reply) return unavailable(reply.error());
    if (reply->is_array()) {
      const auto& items = reply->as_array();
      const auto current = items.empty() ? std::nullopt : items.front().to_integer();
      if (!current || !expected_version) return unexpected_reply("remove script", *reply);
      return registry_error{registry_errc::version_mismatch,
                            "Namespace '" + std::string(namespace_id) + "' is at version " +
                                std::to_string(*current) + ", not " +
                                std::to_string(*expected_version),
                            *current};
    }
    const auto text = reply->to_optional_string();
    if (reply->is_error() || !text) return unexpected_reply("remove script", *reply);
    if (*text == "not_found") return not_found(namespace_id);
    removed_text = *text;
  }
  if (on_deleted_) {
    try {
      on_deleted_(std::string(namespace_id));
    } catch (const std::exception& e) {
      log_error("namespace deleted, but removing its per-namespace data failed",
                {{"namespace_id", std::string(namespace_id)}, {"error", e.what()}});
    }
  }
  auto removed = parse_stored_namespace(removed_text, doc_key);
  if (!removed) {
    // Deleted all the same; the caller gets a minimal model naming what went.
    namespace_model minimal;
    minimal.namespace_id = std::string(namespace_id);
    return minimal;
  }
  return removed;
}

}  // namespace index_optimizer
