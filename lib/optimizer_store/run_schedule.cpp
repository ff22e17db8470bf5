#include "optimizer_store/run_schedule.hpp"

#include "optimizer_store/optimizer_keys.hpp"
#include "redis/redis_script.hpp"

namespace index_optimizer {
namespace {

// KEYS: lease, next_run_at. ARGV: token, next ms. 1 when stored, 0 when fenced out.
const redis_script k_store_next_script(R"lua(
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[2])
return 1
)lua");

}  // namespace

redis_result<std::int64_t> read_or_init_next_run(redis_connection& connection,
                                                 const optimizer_keys& keys,
                                                 std::int64_t initial_ms) {
  auto replies = connection.pipeline(
      {{"SET", keys.next_run(), std::to_string(initial_ms), "NX"}, {"GET", keys.next_run()}});
  if (!replies) return replies.error();
  const auto value = (*replies)[1].to_integer();
  if (!value) return unexpected_reply("next run read", (*replies)[1]);
  return static_cast<std::int64_t>(*value);
}

redis_result<std::optional<std::int64_t>> read_next_run(redis_connection& connection,
                                                        const optimizer_keys& keys) {
  auto reply = connection.command({"GET", keys.next_run()});
  if (!reply) return reply.error();
  if (reply->is_nil()) return std::optional<std::int64_t>{};
  const auto value = reply->to_integer();
  if (!value) return unexpected_reply("next run read", *reply);
  return std::optional<std::int64_t>{static_cast<std::int64_t>(*value)};
}

redis_result<bool> store_next_run(redis_connection& connection, const optimizer_keys& keys,
                                  const lease_token& token, std::int64_t next_ms) {
  const std::vector<std::string> script_keys{keys.lease(), keys.next_run()};
  const std::vector<std::string> args{token.value, std::to_string(next_ms)};
  auto reply = eval(connection, k_store_next_script, script_keys, args);
  if (!reply) return reply.error();
  const auto value = reply->to_integer();
  if (!value) return unexpected_reply("next run store", *reply);
  return *value == 1;
}

std::int64_t next_run_after(std::int64_t due_ms, std::int64_t now_ms, std::int64_t interval_ms) {
  if (interval_ms <= 0) return now_ms;
  if (now_ms < due_ms) return due_ms + interval_ms;
  const std::int64_t periods = (now_ms - due_ms) / interval_ms + 1;
  return due_ms + periods * interval_ms;
}

}  // namespace index_optimizer
