#include "optimizer_store/run_history.hpp"

#include "optimizer_store/optimizer_keys.hpp"
#include "redis/redis_script.hpp"

namespace index_optimizer {
namespace {

// KEYS: lease, run, runs, active, next_run_at.
// ARGV: token, record, run id, started ms, ttl ms, active (set|clear|keep), cutoff ms,
//       next run ms ('' = leave), release ('1' = delete the lease).
const redis_script k_save_script(R"lua(
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[5])
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. ARGV[7])
if ARGV[6] == 'set' then
  redis.call('SET', KEYS[4], ARGV[3])
elseif ARGV[6] == 'clear' and redis.call('GET', KEYS[4]) == ARGV[3] then
  redis.call('DEL', KEYS[4])
end
if ARGV[8] ~= '' then redis.call('SET', KEYS[5], ARGV[8]) end
if ARGV[9] == '1' then redis.call('DEL', KEYS[1]) end
return 1
)lua");

std::string_view to_string(active_marker marker) {
  switch (marker) {
    case active_marker::set:
      return "set";
    case active_marker::clear:
      return "clear";
    case active_marker::keep:
      return "keep";
  }
  return "keep";
}

}  // namespace

redis_result<bool> save_run(redis_connection& connection, const optimizer_keys& keys,
                            const lease_token& token, const run_save& save,
                            std::chrono::milliseconds retention, std::int64_t now_ms) {
  const std::vector<std::string> script_keys{keys.lease(), keys.run(save.run_id), keys.runs(),
                                             keys.active(), keys.next_run()};
  const std::vector<std::string> args{token.value,
                                      save.record,
                                      save.run_id,
                                      std::to_string(save.started_ms),
                                      std::to_string(std::max<std::int64_t>(retention.count(), 1)),
                                      std::string(to_string(save.active)),
                                      std::to_string(now_ms - retention.count()),
                                      save.next_run_ms ? std::to_string(*save.next_run_ms) : "",
                                      save.release_lease ? "1" : "0"};
  auto reply = eval(connection, k_save_script, script_keys, args);
  if (!reply) return reply.error();
  const auto value = reply->to_integer();
  if (!value) return unexpected_reply("run save", *reply);
  return *value == 1;
}

redis_result<std::optional<std::string>> load_run(redis_connection& connection,
                                                  const optimizer_keys& keys,
                                                  std::string_view run_id) {
  auto reply = connection.command({"GET", keys.run(run_id)});
  if (!reply) return reply.error();
  if (reply->is_error()) return unexpected_reply("run read", *reply);
  return reply->to_optional_string();
}

redis_result<run_page> list_runs(redis_connection& connection, const optimizer_keys& keys,
                                 std::int64_t cutoff_ms, std::int64_t offset, std::int64_t limit) {
  const std::string cutoff = std::to_string(cutoff_ms);
  auto replies = connection.pipeline({{"ZCOUNT", keys.runs(), cutoff, "+inf"},
                                      {"ZREVRANGEBYSCORE", keys.runs(), "+inf", cutoff, "LIMIT",
                                       std::to_string(offset), std::to_string(limit)}});
  if (!replies) return replies.error();
  const auto total = (*replies)[0].to_integer();
  if (!total) return unexpected_reply("run count", (*replies)[0]);
  if (!(*replies)[1].is_array()) return unexpected_reply("run listing", (*replies)[1]);
  run_page page;
  page.total = *total;
  std::vector<std::string> get{"MGET"};
  for (const auto& id : (*replies)[1].as_array()) {
    const auto text = id.to_optional_string();
    if (!text) return unexpected_reply("run listing", (*replies)[1]);
    get.push_back(keys.run(*text));
  }
  if (get.size() == 1) return page;
  auto records = connection.command(std::span<const std::string>(get));
  if (!records) return records.error();
  if (!records->is_array()) return unexpected_reply("run records", *records);
  for (const auto& record : records->as_array()) {
    if (auto text = record.to_optional_string()) page.records.push_back(std::move(*text));
  }
  return page;
}

redis_result<std::optional<std::string>> active_run(redis_connection& connection,
                                                    const optimizer_keys& keys) {
  auto reply = connection.command({"GET", keys.active()});
  if (!reply) return reply.error();
  if (reply->is_error()) return unexpected_reply("active run read", *reply);
  return reply->to_optional_string();
}

}  // namespace index_optimizer
