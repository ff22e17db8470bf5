#pragma once

// Internal to filter_decoder: a read-only JSON tree built for the walkers, with the part of
// Boost.JSON's value/object/array interface they use, so they read the same either way.
//
// Why not boost::json::value: building its tree (a string copy per key and string, an object
// table per object, the allocations behind them) cost more than Boost's own parsing, for trees
// the walkers read once. Here Boost.JSON's validating parser (basic_parser) reports the
// document, and the tree is a few flat vectors a document reuses for every parse: strings view
// into the input (or, escaped ones, into one buffer), members and elements are index ranges.
// Semantics follow boost::json::parse: the same errors, numbers as int64/uint64/double, and an
// object with a key given twice keeps the key where it first appeared, with the last value.

#include <boost/json/basic_parser.hpp>
#include <boost/json/parse_options.hpp>
#include <boost/system/error_code.hpp>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace index_optimizer::json_tape {

enum class kind : unsigned char { null, bool_, int64, uint64, double_, string, array, object };

class value;
class member;

class object {
 public:
  const value* if_contains(std::string_view key) const noexcept;
  bool contains(std::string_view key) const noexcept { return if_contains(key) != nullptr; }
  // std::out_of_range when the key is missing (like boost::json::object::at).
  const value& at(std::string_view key) const;
  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }
  const member* begin() const noexcept { return items_; }
  const member* end() const noexcept;

 private:
  friend class document;
  const member* items_ = nullptr;
  std::size_t size_ = 0;
};

class array {
 public:
  class iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = json_tape::value;
    using difference_type = std::ptrdiff_t;
    using pointer = const json_tape::value*;
    using reference = const json_tape::value&;

    iterator() = default;
    explicit iterator(const json_tape::value* const* at) noexcept : at_(at) {}
    reference operator*() const noexcept { return **at_; }
    pointer operator->() const noexcept { return *at_; }
    iterator& operator++() noexcept {
      ++at_;
      return *this;
    }
    iterator operator++(int) noexcept {
      auto before = *this;
      ++at_;
      return before;
    }
    bool operator==(const iterator&) const = default;

   private:
    const json_tape::value* const* at_ = nullptr;
  };

  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }
  const json_tape::value& operator[](std::size_t index) const noexcept { return *items_[index]; }
  iterator begin() const noexcept { return iterator(items_); }
  iterator end() const noexcept { return iterator(items_ + size_); }

 private:
  friend class document;
  const json_tape::value* const* items_ = nullptr;
  std::size_t size_ = 0;
};

class value {
 public:
  json_tape::kind kind() const noexcept { return kind_; }
  bool is_null() const noexcept { return kind_ == kind::null; }
  bool is_bool() const noexcept { return kind_ == kind::bool_; }
  bool is_int64() const noexcept { return kind_ == kind::int64; }
  bool is_uint64() const noexcept { return kind_ == kind::uint64; }
  bool is_double() const noexcept { return kind_ == kind::double_; }
  bool is_number() const noexcept {
    return kind_ == kind::int64 || kind_ == kind::uint64 || kind_ == kind::double_;
  }
  bool is_string() const noexcept { return kind_ == kind::string; }
  bool is_array() const noexcept { return kind_ == kind::array; }
  bool is_object() const noexcept { return kind_ == kind::object; }

  // Unchecked, like Boost's get_*: call only for the matching kind.
  bool get_bool() const noexcept { return scalar_.boolean; }
  std::int64_t get_int64() const noexcept { return scalar_.int64; }
  std::uint64_t get_uint64() const noexcept { return scalar_.uint64; }
  double get_double() const noexcept { return scalar_.number; }
  std::string_view get_string() const noexcept { return text_; }
  const json_tape::object& get_object() const noexcept { return object_; }
  const json_tape::array& get_array() const noexcept { return array_; }

  const json_tape::object* if_object() const noexcept {
    return kind_ == kind::object ? &object_ : nullptr;
  }
  const json_tape::array* if_array() const noexcept {
    return kind_ == kind::array ? &array_ : nullptr;
  }

 private:
  friend class document;
  union scalar {
    bool boolean;
    std::int64_t int64;
    std::uint64_t uint64;
    double number;
  };

  json_tape::kind kind_ = kind::null;
  scalar scalar_{};
  std::string_view text_;
  json_tape::object object_;
  json_tape::array array_;
};

// An object's key and value; `const auto& [key, value] : object` binds both.
class member {
 public:
  std::string_view key() const noexcept { return key_; }
  const json_tape::value& value() const noexcept { return *value_; }

 private:
  friend class document;
  std::string_view key_;
  const json_tape::value* value_ = nullptr;
  std::uint32_t index_ = 0;  // of the value while the document is built
};

inline const member* object::end() const noexcept {
  return items_ + size_;
}

template <std::size_t I>
decltype(auto) get(const member& entry) noexcept {
  if constexpr (I == 0) {
    return entry.key();
  } else {
    return (entry.value());
  }
}

// Parses documents, one at a time: what parse() returns stays valid until the next parse() and
// refers to the parsed text, which must outlive it. Not copyable (the parser refers to it).
class document {
 public:
  explicit document(const boost::json::parse_options& options);
  document(const document&) = delete;
  document& operator=(const document&) = delete;
  ~document();

  // The root, or nullptr with `error` set (the codes boost::json::parser::write sets).
  const value* parse(std::string_view text, boost::system::error_code& error);

 private:
  struct builder;
  struct pending {
    std::string_view key;  // for an object's member
    std::uint32_t value = 0;
  };
  struct open_container {
    std::size_t first_pending = 0;
    std::string_view key;  // the container's own key, when it is a member
  };

  void add_value(value node);
  bool end_object(std::size_t count);
  bool end_array(std::size_t count);

  std::vector<value> values_;
  std::vector<member> members_;
  std::vector<std::uint32_t> elements_;  // value indices while building
  std::vector<const value*> element_pointers_;
  std::vector<pending> pending_;
  std::vector<open_container> open_;
  std::vector<std::uint32_t> containers_;  // values to fix up once the vectors stop moving
  std::string scratch_;                    // escaped strings, unescaped
  std::string_view key_;
  std::size_t string_start_ = 0;  // in scratch_, of a string arriving in parts
  bool in_parts_ = false;
  std::string_view input_;
  std::unique_ptr<boost::json::basic_parser<builder>> parser_;
};

}  // namespace index_optimizer::json_tape

template <>
struct std::tuple_size<index_optimizer::json_tape::member>
    : std::integral_constant<std::size_t, 2> {};
template <>
struct std::tuple_element<0, index_optimizer::json_tape::member> {
  using type = std::string_view;
};
template <>
struct std::tuple_element<1, index_optimizer::json_tape::member> {
  using type = const index_optimizer::json_tape::value&;
};
