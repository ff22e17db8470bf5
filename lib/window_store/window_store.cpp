#include "window_store/window_store.hpp"

#include <utility>
#include <vector>

#include "redis/redis_script.hpp"
#include "window_store/window_keys.hpp"

namespace index_optimizer {
namespace {

// Ages out expired buckets among the candidates the caller read from the due set. Every key is
// declared (Redis Cluster); the script re-checks each candidate against the server's clock and
// the due set, so concurrent sweepers (every consumer, every reader) never subtract a bucket
// twice. A totals field that reaches zero is deleted, so the totals hash holds exactly the fields
// still in the window and reading it costs O(those fields).
const redis_script& sweep_script() {
  static const redis_script script(R"lua(
-- KEYS[1]: the window's due set; for candidate i: KEYS[3i-1] its bucket hash, KEYS[3i] its
-- namespace's totals hash, KEYS[3i+1] its namespace's bucket set.
-- ARGV[1] bucket ms, ARGV[2] window length ms; for candidate i: ARGV[2i+1] its due member,
-- ARGV[2i+2] its bucket start.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local bucket_ms = tonumber(ARGV[1])
local cutoff = now - (now % bucket_ms) - tonumber(ARGV[2]) + bucket_ms
local due = KEYS[1]
local function chunked(command, hash, list, size)
  for i = 1, #list, size do
    redis.call(command, hash, unpack(list, i, math.min(i + size - 1, #list)))
  end
end
local swept = 0
for i = 1, (#ARGV - 2) / 2 do
  local member = ARGV[2 * i + 1]
  local start = ARGV[2 * i + 2]
  if tonumber(start) < cutoff and redis.call('ZSCORE', due, member) then
    local bucket = KEYS[3 * i - 1]
    local totals = KEYS[3 * i]
    -- Subtract the whole bucket with one HMGET and one HSET (and one HDEL for what reaches zero)
    -- rather than a call per field.
    local h = redis.call('HGETALL', bucket)
    local names = {}
    for j = 1, #h, 2 do names[#names + 1] = h[j] end
    local current = {}
    for j = 1, #names, 2000 do
      local part = redis.call('HMGET', totals, unpack(names, j, math.min(j + 1999, #names)))
      for k = 1, #part do current[#current + 1] = part[k] end
    end
    local keep, gone = {}, {}
    for j, f in ipairs(names) do
      local left = (tonumber(current[j]) or 0) - tonumber(h[2 * j])
      if left > 0 then
        keep[#keep + 1] = f
        keep[#keep + 1] = string.format('%d', left)
      else
        gone[#gone + 1] = f
        if string.sub(f, 1, 2) == 'c:' then
          local path = string.sub(f, 3)
          gone[#gone + 1] = 'fs:' .. path
          gone[#gone + 1] = 'ls:' .. path
          gone[#gone + 1] = 'sm:' .. path
        end
      end
    end
    chunked('HSET', totals, keep, 4000)
    chunked('HDEL', totals, gone, 4000)
    redis.call('DEL', bucket)
    redis.call('ZREM', due, member)
    redis.call('ZREM', KEYS[3 * i + 1], start)
    swept = swept + 1
  end
end
local oldest = redis.call('ZRANGE', due, 0, 0, 'WITHSCORES')
local more = 0
if #oldest == 2 and tonumber(oldest[2]) < cutoff then more = 1 end
return {swept, more}
)lua");
  return script;
}

// Deletes a namespace's buckets and totals, provided its bucket set still holds exactly the
// buckets the caller listed (a commit in between adds one: then 0 and the caller lists again).
const redis_script& delete_script() {
  static const redis_script script(R"lua(
-- KEYS[1] the namespace's bucket set, KEYS[2] its totals, KEYS[3] the window's due set,
-- KEYS[i+3] the bucket hash starting at ARGV[i+1]. ARGV[1] the namespace id.
local n = #ARGV - 1
if redis.call('ZCARD', KEYS[1]) ~= n then return 0 end
for i = 1, n do
  if not redis.call('ZSCORE', KEYS[1], ARGV[i + 1]) then return 0 end
end
for i = 1, n do
  redis.call('DEL', KEYS[i + 3])
  redis.call('ZREM', KEYS[3], ARGV[i + 1] .. ':' .. ARGV[1])
end
redis.call('DEL', KEYS[1], KEYS[2])
return 1
)lua");
  return script;
}

redis_error unexpected(std::string_view what, const redis_reply& reply) {
  return redis_error{redis_errc::server, std::string(what) + ": " + describe(reply)};
}

// One sweep step over the `step_buckets` oldest buckets. Returns {swept, more expired remain}.
redis_result<std::pair<std::size_t, bool>> sweep_step(redis_connection& connection,
                                                      const window_keys& keys,
                                                      const window_spec& window,
                                                      std::size_t step_buckets) {
  const std::string due = keys.due();
  auto oldest =
      connection.command({"ZRANGE", due, "0", std::to_string(step_buckets - 1), "WITHSCORES"});
  if (!oldest) return oldest.error();
  if (!oldest->is_array()) return unexpected("ZRANGE of the due set", *oldest);
  // Only buckets our clock says have expired, give or take a bucket of clock skew against the
  // server, are worth a script call; the script decides by the server's clock.
  const std::int64_t local_cutoff = window.oldest_bucket_start(unix_now_ms()) + window.bucket_ms;
  std::vector<std::string> script_keys{due};
  std::vector<std::string> args{std::to_string(window.bucket_ms), std::to_string(window.length_ms)};
  const auto& items = oldest->as_array();
  for (std::size_t i = 0; i + 1 < items.size(); i += 2) {
    const auto member_text = items[i].to_optional_string();
    if (!member_text) continue;
    const auto member = parse_due_member(*member_text);
    if (!member || member->start_ms >= local_cutoff) continue;
    script_keys.push_back(keys.bucket(member->namespace_id, member->start));
    script_keys.push_back(keys.totals(member->namespace_id));
    script_keys.push_back(keys.namespace_buckets(member->namespace_id));
    args.push_back(*member_text);
    args.push_back(member->start);
  }
  if (script_keys.size() == 1) return std::pair<std::size_t, bool>{0, false};
  auto reply = eval(connection, sweep_script(), script_keys, args);
  if (!reply) return reply.error();
  if (!reply->is_array() || reply->as_array().size() != 2) {
    return unexpected("window sweep script", *reply);
  }
  const auto swept = reply->as_array()[0].to_integer().value_or(0);
  const auto more = reply->as_array()[1].to_integer().value_or(0);
  return std::pair<std::size_t, bool>{static_cast<std::size_t>(swept), more != 0 && swept > 0};
}

std::vector<std::pair<std::string_view, std::string_view>> as_pairs(const redis_reply& reply) {
  std::vector<std::pair<std::string_view, std::string_view>> out;
  if (!reply.is_array()) return out;
  const auto& items = reply.as_array();
  out.reserve(items.size() / 2);
  for (std::size_t i = 0; i + 1 < items.size(); i += 2) {
    if (!items[i].is_string() || !items[i + 1].is_string()) continue;
    out.emplace_back(items[i].as_string(), items[i + 1].as_string());
  }
  return out;
}

}  // namespace

redis_result<std::size_t> sweep_window(redis_connection& connection, std::string_view key_prefix,
                                       std::string_view stream, const window_spec& window,
                                       std::size_t step_buckets, std::size_t max_steps) {
  const window_keys keys(key_prefix, stream, window.kind);
  std::size_t total = 0;
  for (std::size_t step = 0; step < max_steps; ++step) {
    auto result = sweep_step(connection, keys, window, step_buckets == 0 ? 1 : step_buckets);
    if (!result) return result.error();
    total += result->first;
    if (!result->second) break;
  }
  return total;
}

redis_result<namespace_window_stats> read_namespace_window(redis_connection& connection,
                                                           const config& cfg,
                                                           std::string_view namespace_id,
                                                           window_kind kind) {
  const window_spec window = window_spec_for(cfg.window, kind);
  window_totals_builder builder;
  for (const auto& stream : cfg.ingest.streams) {
    auto swept = sweep_window(connection, cfg.redis.key_prefix, stream, window);
    if (!swept) return swept.error();
    const window_keys keys(cfg.redis.key_prefix, stream, kind);
    auto totals = connection.command({"HGETALL", keys.totals(namespace_id)});
    if (!totals) return totals.error();
    if (!totals->is_array()) return unexpected("HGETALL of window totals", *totals);
    builder.add(as_pairs(*totals));
  }
  return std::move(builder).build(std::string(namespace_id), window);
}

redis_result<void> delete_namespace_counts(redis_connection& connection, const config& cfg,
                                           const std::string& namespace_id) {
  constexpr int k_attempts = 10;
  for (const auto& stream : cfg.ingest.streams) {
    for (const auto kind : k_all_windows) {
      const window_keys keys(cfg.redis.key_prefix, stream, kind);
      bool deleted = false;
      for (int attempt = 0; attempt < k_attempts && !deleted; ++attempt) {
        auto starts =
            connection.command({"ZRANGE", keys.namespace_buckets(namespace_id), "0", "-1"});
        if (!starts) return starts.error();
        if (!starts->is_array()) return unexpected("ZRANGE of a namespace's buckets", *starts);
        std::vector<std::string> script_keys{keys.namespace_buckets(namespace_id),
                                             keys.totals(namespace_id), keys.due()};
        std::vector<std::string> args{namespace_id};
        for (const auto& start : starts->as_array()) {
          const auto text = start.to_optional_string();
          if (!text) continue;
          script_keys.push_back(keys.bucket(namespace_id, *text));
          args.push_back(*text);
        }
        auto reply = eval(connection, delete_script(), script_keys, args);
        if (!reply) return reply.error();
        if (!reply->is_integer()) return unexpected("window delete script", *reply);
        deleted = reply->as_integer() == 1;
      }
      if (!deleted) {
        return redis_error{redis_errc::conflict,
                           "the namespace's window counts kept changing while being deleted "
                           "(events of it are still being counted); retry"};
      }
    }
  }
  return {};
}

}  // namespace index_optimizer
