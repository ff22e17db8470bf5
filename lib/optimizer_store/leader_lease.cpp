#include "optimizer_store/leader_lease.hpp"

#include <charconv>

#include "optimizer_store/optimizer_keys.hpp"
#include "redis/owned_key.hpp"
#include "redis/redis_script.hpp"

namespace index_optimizer {
namespace {

// KEYS: lease, fence. ARGV: nonce:instance, ttl ms.
// {1, token} when granted; {0, token or false, pttl} when held.
const redis_script k_acquire_script(R"lua(
local current = redis.call('GET', KEYS[1])
if current then return {0, current, redis.call('PTTL', KEYS[1])} end
local fence = redis.call('INCR', KEYS[2])
local token = fence .. ':' .. ARGV[1]
redis.call('SET', KEYS[1], token, 'PX', ARGV[2])
return {1, token}
)lua");

}  // namespace

std::optional<lease_token> parse_lease_token(std::string_view value) {
  const auto first = value.find(':');
  if (first == std::string_view::npos) return std::nullopt;
  const auto second = value.find(':', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  lease_token token;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + first, token.fence);
  if (ec != std::errc{} || end != value.data() + first || token.fence <= 0) return std::nullopt;
  token.instance_id = std::string(value.substr(second + 1));
  token.value = std::string(value);
  return token;
}

redis_result<lease_acquisition> try_acquire_lease(redis_connection& connection,
                                                  const optimizer_keys& keys,
                                                  std::string_view instance_id,
                                                  std::chrono::milliseconds ttl) {
  const std::vector<std::string> script_keys{keys.lease(), keys.fence()};
  const std::vector<std::string> args{random_token() + ":" + std::string(instance_id),
                                      std::to_string(ttl.count())};
  auto reply = eval(connection, k_acquire_script, script_keys, args);
  if (!reply) return reply.error();
  if (!reply->is_array() || reply->as_array().size() < 2) {
    return unexpected_reply("lease acquire", *reply);
  }
  const auto& items = reply->as_array();
  lease_acquisition result;
  const auto held_by = items[1].to_optional_string();
  if (items[0].to_integer() == 1) {
    if (!held_by) return unexpected_reply("lease acquire", *reply);
    result.granted = parse_lease_token(*held_by);
    if (!result.granted) return unexpected_reply("lease acquire", *reply);
    return result;
  }
  if (held_by) {
    if (auto token = parse_lease_token(*held_by)) {
      const auto pttl = items.size() > 2 ? items[2].to_integer() : std::nullopt;
      result.holder =
          lease_holder{std::move(*token), std::chrono::milliseconds(pttl && *pttl > 0 ? *pttl : 0)};
    }
  }
  return result;
}

redis_result<bool> renew_lease(redis_connection& connection, const optimizer_keys& keys,
                               const lease_token& token, std::chrono::milliseconds ttl) {
  return renew_owned_key(connection, keys.lease(), token.value, ttl);
}

redis_result<bool> release_lease(redis_connection& connection, const optimizer_keys& keys,
                                 const lease_token& token) {
  return release_owned_key(connection, keys.lease(), token.value);
}

redis_result<std::optional<lease_holder>> read_lease(redis_connection& connection,
                                                     const optimizer_keys& keys) {
  auto replies = connection.pipeline({{"GET", keys.lease()}, {"PTTL", keys.lease()}});
  if (!replies) return replies.error();
  const auto value = (*replies)[0].to_optional_string();
  if (!value) return std::optional<lease_holder>{};
  auto token = parse_lease_token(*value);
  if (!token) return unexpected_reply("lease read", (*replies)[0]);
  const auto pttl = (*replies)[1].to_integer();
  return std::optional<lease_holder>{
      lease_holder{std::move(*token), std::chrono::milliseconds(pttl && *pttl > 0 ? *pttl : 0)}};
}

redis_result<std::int64_t> read_fence(redis_connection& connection, const optimizer_keys& keys) {
  auto reply = connection.command({"GET", keys.fence()});
  if (!reply) return reply.error();
  if (reply->is_nil()) return std::int64_t{0};
  const auto value = reply->to_integer();
  if (!value) return unexpected_reply("fence read", *reply);
  return static_cast<std::int64_t>(*value);
}

}  // namespace index_optimizer
