#include "redis/owned_key.hpp"

#include <array>
#include <random>

#include "redis/redis_script.hpp"

namespace index_optimizer {
namespace {

// KEYS: key. ARGV: token, ttl ms. 1 when extended, 0 when the key is not ours.
const redis_script k_renew_script(R"lua(
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
)lua");

// KEYS: key. ARGV: token. 1 when deleted, 0 when the key is not ours.
const redis_script k_release_script(R"lua(
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
)lua");

redis_result<bool> run_flag_script(redis_connection& connection, const redis_script& script,
                                   std::string_view key, std::array<std::string, 2> args,
                                   std::size_t arg_count) {
  const std::array<std::string, 1> keys{std::string(key)};
  auto reply = eval(connection, script, keys, std::span<const std::string>(args.data(), arg_count));
  if (!reply) return reply.error();
  const auto value = reply->to_integer();
  if (!value) {
    return redis_error{redis_errc::server,
                       "owned key " + std::string(key) + ": unexpected answer " + describe(*reply)};
  }
  return *value == 1;
}

}  // namespace

std::string random_token() {
  std::random_device device;
  std::uniform_int_distribution<unsigned> nibble(0, 15);
  static constexpr char hex[] = "0123456789abcdef";
  std::string token(32, '0');
  for (auto& c : token)
    c = hex[nibble(device)];
  return token;
}

redis_result<bool> renew_owned_key(redis_connection& connection, std::string_view key,
                                   std::string_view token, std::chrono::milliseconds ttl) {
  return run_flag_script(connection, k_renew_script, key,
                         {std::string(token), std::to_string(ttl.count())}, 2);
}

redis_result<bool> release_owned_key(redis_connection& connection, std::string_view key,
                                     std::string_view token) {
  return run_flag_script(connection, k_release_script, key, {std::string(token), {}}, 1);
}

}  // namespace index_optimizer
