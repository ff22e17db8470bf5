#include "redis/redis_reply.hpp"

#include <hiredis/hiredis.h>

#include <charconv>
#include <stdexcept>

namespace index_optimizer {
namespace {

const char* kind_name(redis_reply::kind k) {
  switch (k) {
    case redis_reply::kind::nil:
      return "nil";
    case redis_reply::kind::integer:
      return "integer";
    case redis_reply::kind::string:
      return "string";
    case redis_reply::kind::status:
      return "status";
    case redis_reply::kind::error:
      return "error";
    case redis_reply::kind::array:
      return "array";
  }
  return "?";
}

[[noreturn]] void wrong_kind(const char* wanted, redis_reply::kind actual) {
  throw std::logic_error(std::string("redis reply is ") + kind_name(actual) + ", not " + wanted);
}

void append_escaped(std::string& out, const std::string& text) {
  constexpr std::size_t limit = 200;
  static constexpr char hex[] = "0123456789abcdef";
  for (std::size_t i = 0; i < text.size() && i < limit; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c >= 0x7f) {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 0xf];
    } else {
      out += static_cast<char>(c);
    }
  }
  if (text.size() > limit) out += "...(" + std::to_string(text.size()) + " bytes)";
}

void describe_into(std::string& out, const redis_reply& reply) {
  switch (reply.type()) {
    case redis_reply::kind::nil:
      out += "(nil)";
      return;
    case redis_reply::kind::integer:
      out += "(integer) " + std::to_string(reply.as_integer());
      return;
    case redis_reply::kind::string:
      out += '"';
      append_escaped(out, reply.as_string());
      out += '"';
      return;
    case redis_reply::kind::status:
      out += '+';
      append_escaped(out, reply.as_string());
      return;
    case redis_reply::kind::error:
      out += "(error) ";
      append_escaped(out, reply.as_string());
      return;
    case redis_reply::kind::array: {
      out += '[';
      bool first = true;
      for (const auto& element : reply.as_array()) {
        if (!first) out += ", ";
        first = false;
        describe_into(out, element);
      }
      out += ']';
      return;
    }
  }
}

}  // namespace

redis_reply redis_reply::integer(long long value) {
  redis_reply r;
  r.kind_ = kind::integer;
  r.integer_ = value;
  return r;
}

redis_reply redis_reply::string(std::string value) {
  redis_reply r;
  r.kind_ = kind::string;
  r.text_ = std::move(value);
  return r;
}

redis_reply redis_reply::status(std::string value) {
  redis_reply r;
  r.kind_ = kind::status;
  r.text_ = std::move(value);
  return r;
}

redis_reply redis_reply::error(std::string message) {
  redis_reply r;
  r.kind_ = kind::error;
  r.text_ = std::move(message);
  return r;
}

redis_reply redis_reply::array(std::vector<redis_reply> elements) {
  redis_reply r;
  r.kind_ = kind::array;
  r.elements_ = std::move(elements);
  return r;
}

bool redis_reply::is_status(std::string_view expected) const noexcept {
  return kind_ == kind::status && text_ == expected;
}

bool redis_reply::is_error_with_prefix(std::string_view prefix) const noexcept {
  if (kind_ != kind::error || text_.compare(0, prefix.size(), prefix) != 0) return false;
  return text_.size() == prefix.size() || text_[prefix.size()] == ' ';
}

long long redis_reply::as_integer() const {
  if (kind_ != kind::integer) wrong_kind("integer", kind_);
  return integer_;
}

const std::string& redis_reply::as_string() const {
  if (kind_ != kind::string && kind_ != kind::status && kind_ != kind::error) {
    wrong_kind("string", kind_);
  }
  return text_;
}

const std::vector<redis_reply>& redis_reply::as_array() const {
  if (kind_ != kind::array) wrong_kind("array", kind_);
  return elements_;
}

std::optional<long long> redis_reply::to_integer() const {
  if (kind_ == kind::integer) return integer_;
  if (kind_ != kind::string || text_.empty()) return std::nullopt;
  long long value = 0;
  const auto [end, ec] = std::from_chars(text_.data(), text_.data() + text_.size(), value);
  if (ec != std::errc{} || end != text_.data() + text_.size()) return std::nullopt;
  return value;
}

std::optional<std::string> redis_reply::to_optional_string() const {
  if (kind_ == kind::string || kind_ == kind::status) return text_;
  return std::nullopt;
}

std::string describe(const redis_reply& reply) {
  std::string out;
  describe_into(out, reply);
  return out;
}

redis_reply to_redis_reply(const redisReply& reply) {
  switch (reply.type) {
    case REDIS_REPLY_NIL:
      return redis_reply::nil();
    case REDIS_REPLY_INTEGER:
      return redis_reply::integer(reply.integer);
    case REDIS_REPLY_STRING:
      return redis_reply::string(std::string(reply.str, reply.len));
    case REDIS_REPLY_STATUS:
      return redis_reply::status(std::string(reply.str, reply.len));
    case REDIS_REPLY_ERROR:
      return redis_reply::error(std::string(reply.str, reply.len));
    case REDIS_REPLY_ARRAY: {
      std::vector<redis_reply> elements;
      elements.reserve(reply.elements);
      for (std::size_t i = 0; i < reply.elements; ++i) {
        elements.push_back(reply.element[i] != nullptr ? to_redis_reply(*reply.element[i])
                                                       : redis_reply::nil());
      }
      return redis_reply::array(std::move(elements));
    }
    default:
      return redis_reply::error("unsupported redis reply type " + std::to_string(reply.type));
  }
}

}  // namespace index_optimizer
