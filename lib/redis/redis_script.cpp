#include "redis/redis_script.hpp"

#include <openssl/evp.h>

#include <array>
#include <stdexcept>

namespace index_optimizer {
namespace {

std::string sha1_hex(const std::string& text) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_Digest(text.data(), text.size(), digest.data(), &length, EVP_sha1(), nullptr) != 1) {
    throw std::runtime_error("OpenSSL could not compute SHA1");
  }
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * length);
  for (unsigned int i = 0; i < length; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 0xf];
  }
  return out;
}

}  // namespace

redis_script::redis_script(std::string source)
    : source_(std::move(source)), sha1_(sha1_hex(source_)) {}

redis_result<redis_reply> eval(redis_connection& connection, const redis_script& script,
                               std::span<const std::string> keys,
                               std::span<const std::string> args) {
  const std::string key_count = std::to_string(keys.size());
  std::vector<std::string_view> argv;
  argv.reserve(3 + keys.size() + args.size());
  argv.push_back("EVALSHA");
  argv.push_back(script.sha1());
  argv.push_back(key_count);
  argv.insert(argv.end(), keys.begin(), keys.end());
  argv.insert(argv.end(), args.begin(), args.end());
  auto reply = connection.command(std::span<const std::string_view>(argv));
  if (!reply || !reply->is_error_with_prefix("NOSCRIPT")) return reply;
  argv[0] = "EVAL";
  argv[1] = script.source();
  return connection.command(std::span<const std::string_view>(argv));
}

}  // namespace index_optimizer
