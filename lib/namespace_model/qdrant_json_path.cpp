#include "namespace_model/qdrant_json_path.hpp"

#include <charconv>
#include <cstdint>
#include <cstdio>

#include "text/utf8_text.hpp"

namespace index_optimizer {

const std::string_view k_qdrant_json_path_rule =
    "keys are letters, digits, '_' and '-', or any characters but '\"' and '\\' in double "
    "quotes (\"a/b\"), joined by '.'; [] or [N] after a key selects array elements";

namespace {

// One pass over the path, a code point at a time, in the order of Qdrant's nom parser
// (lib/segment/src/json_path/parse.rs): a first key, then `.key`, `[N]` or `[]` until the end.
class json_path_scanner {
 public:
  explicit json_path_scanner(std::string_view path) : path_(path) {}

  std::optional<json_path_problem> run() {
    if (path_.empty()) return problem("the path is empty");
    if (auto p = key()) return p;
    while (!at_end()) {
      const char c = path_[byte_];
      std::optional<json_path_problem> p;
      if (c == '.') {
        advance(1);
        p = key();
      } else if (c == '[') {
        p = index();
      } else if (last_ == element::raw_key) {
        p = problem_here("is not allowed in an unquoted key");
      } else {
        p = problem_here(last_ == element::quoted_key
                             ? "cannot follow a quoted key (only '.', '[' or the end can)"
                             : "cannot follow ']' (only '.', '[' or the end can)");
      }
      if (p) return p;
    }
    return std::nullopt;
  }

 private:
  enum class element { raw_key, quoted_key, index };

  bool at_end() const { return byte_ >= path_.size(); }

  void advance(std::size_t bytes) {
    byte_ += bytes;
    ++chars_;
  }

  json_path_problem problem(std::string what) const { return {chars_, std::move(what)}; }

  // "'/' at character 11 <what>", naming the code point at the current position.
  json_path_problem problem_here(std::string_view what) const {
    const auto point = decode_utf8(path_, byte_);
    std::string shown;
    if (!point) {
      shown = "a byte that is not UTF-8";
    } else if (point->value < 0x20 || point->value == 0x7F) {
      char code[8];
      std::snprintf(code, sizeof code, "U+%04X", static_cast<unsigned>(point->value));
      shown = code;
    } else {
      shown = "'" + std::string(path_.substr(byte_, point->length)) + "'";
    }
    return problem(shown + " at character " + std::to_string(chars_ + 1) + " " + std::string(what));
  }

  std::optional<json_path_problem> key() {
    if (at_end()) return problem("the path ends where a key must follow '.'");
    if (path_[byte_] == '"') return quoted_key();
    const std::size_t start = byte_;
    while (const auto point = decode_utf8(path_, byte_)) {
      const char32_t c = point->value;
      if (!is_unicode_alphanumeric(c) && c != U'_' && c != U'-') break;
      advance(point->length);
    }
    if (byte_ == start) {
      if (!decode_utf8(path_, byte_)) return problem_here("is not allowed");
      const char c = path_[byte_];
      return problem_here(c == '.' || c == '[' || c == ']' ? "stands where a key must be"
                                                           : "is not allowed in an unquoted key");
    }
    last_ = element::raw_key;
    return std::nullopt;
  }

  std::optional<json_path_problem> quoted_key() {
    const auto opening = problem("the quoted key opened at character " +
                                 std::to_string(chars_ + 1) + " has no closing '\"'");
    advance(1);
    while (!at_end() && path_[byte_] != '"') {
      if (path_[byte_] == '\\') return problem_here("is not allowed in a quoted key");
      const auto point = decode_utf8(path_, byte_);
      if (!point) return problem_here("is not allowed");
      advance(point->length);
    }
    if (at_end()) return opening;
    advance(1);
    last_ = element::quoted_key;
    return std::nullopt;
  }

  std::optional<json_path_problem> index() {
    advance(1);  // '['
    if (!at_end() && path_[byte_] == ']') {
      advance(1);
      last_ = element::index;
      return std::nullopt;
    }
    const std::size_t digits_start = byte_;
    const std::size_t chars_start = chars_;
    while (!at_end() && path_[byte_] >= '0' && path_[byte_] <= '9')
      advance(1);
    if (at_end()) return problem("the path ends inside '[': ']' or an index (digits) must follow");
    if (path_[byte_] != ']') return problem_here("is not allowed between '[' and ']': only digits");
    std::uint64_t value = 0;
    const auto digits = path_.substr(digits_start, byte_ - digits_start);
    if (std::from_chars(digits.data(), digits.data() + digits.size(), value).ec != std::errc{}) {
      return json_path_problem{chars_start, "the index at character " +
                                                std::to_string(chars_start + 1) +
                                                " is larger than 18446744073709551615"};
    }
    advance(1);  // ']'
    last_ = element::index;
    return std::nullopt;
  }

  std::string_view path_;
  std::size_t byte_ = 0;
  std::size_t chars_ = 0;  // code points before byte_
  element last_ = element::raw_key;
};

}  // namespace

std::optional<json_path_problem> check_qdrant_json_path(std::string_view path) {
  return json_path_scanner(path).run();
}

}  // namespace index_optimizer
