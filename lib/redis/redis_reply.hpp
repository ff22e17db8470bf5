#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

struct redisReply;  // hiredis

namespace index_optimizer {

// An owned RESP2 reply: nil, integer, bulk string, status (+OK), error (-ERR ...) or an array of
// replies. Detached from hiredis so replies can outlive the connection and be built in tests.
class redis_reply {
 public:
  enum class kind { nil, integer, string, status, error, array };

  redis_reply() = default;  // nil
  static redis_reply nil() { return {}; }
  static redis_reply integer(long long value);
  static redis_reply string(std::string value);
  static redis_reply status(std::string value);
  static redis_reply error(std::string message);
  static redis_reply array(std::vector<redis_reply> elements);

  kind type() const noexcept { return kind_; }
  bool is_nil() const noexcept { return kind_ == kind::nil; }
  bool is_integer() const noexcept { return kind_ == kind::integer; }
  bool is_string() const noexcept { return kind_ == kind::string; }
  bool is_status() const noexcept { return kind_ == kind::status; }
  bool is_error() const noexcept { return kind_ == kind::error; }
  bool is_array() const noexcept { return kind_ == kind::array; }
  // A +status equal to `expected`, e.g. is_status("OK").
  bool is_status(std::string_view expected) const noexcept;
  // An -error whose first word is `prefix`, e.g. is_error_with_prefix("NOSCRIPT").
  bool is_error_with_prefix(std::string_view prefix) const noexcept;

  // Checked accessors: calling one on the wrong kind is a programming error (std::logic_error).
  long long as_integer() const;
  const std::string& as_string() const;  // bulk string, status text or error message
  const std::vector<redis_reply>& as_array() const;

  // Lenient readers for the common "value or nil" shapes; nullopt when the shape differs.
  // to_integer also accepts a bulk string holding a decimal integer (HGET of a counter).
  std::optional<long long> to_integer() const;
  std::optional<std::string> to_optional_string() const;  // bulk string or status

  bool operator==(const redis_reply&) const = default;

 private:
  kind kind_ = kind::nil;
  long long integer_ = 0;
  std::string text_;
  std::vector<redis_reply> elements_;
};

// A readable one-line rendering for logs and test failures; long strings are cut.
std::string describe(const redis_reply& reply);

// Deep copy of a hiredis reply (RESP2 types; anything else becomes an error reply).
redis_reply to_redis_reply(const redisReply& reply);

}  // namespace index_optimizer
