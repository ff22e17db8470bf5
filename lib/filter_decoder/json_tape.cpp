#include "filter_decoder/json_tape.hpp"

// The parser's template code, instantiated here for the builder only.
#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/error.hpp>
#include <limits>
#include <stdexcept>
#include <unordered_map>

namespace index_optimizer::json_tape {

const value* object::if_contains(std::string_view key) const noexcept {
  for (const member& entry : *this) {
    if (entry.key() == key) return &entry.value();
  }
  return nullptr;
}

const value& object::at(std::string_view key) const {
  const value* found = if_contains(key);
  if (found == nullptr) throw std::out_of_range("json_tape::object::at: no such key");
  return *found;
}

// basic_parser's handler: every callback appends to the document's vectors.
struct document::builder {
  static constexpr std::size_t max_object_size = std::numeric_limits<std::uint32_t>::max();
  static constexpr std::size_t max_array_size = std::numeric_limits<std::uint32_t>::max();
  static constexpr std::size_t max_key_size = std::numeric_limits<std::uint32_t>::max();
  static constexpr std::size_t max_string_size = std::numeric_limits<std::uint32_t>::max();

  using error_code = boost::system::error_code;
  using string_view = boost::json::string_view;

  explicit builder(document& owner) noexcept : doc(owner) {}

  bool on_document_begin(error_code&) { return true; }
  bool on_document_end(error_code&) { return true; }
  bool on_object_begin(error_code&) { return begin(); }
  bool on_object_end(std::size_t n, error_code&) { return doc.end_object(n); }
  bool on_array_begin(error_code&) { return begin(); }
  bool on_array_end(std::size_t n, error_code&) { return doc.end_array(n); }
  bool on_key_part(string_view s, std::size_t, error_code&) {
    part(s);
    return true;
  }
  bool on_key(string_view s, std::size_t, error_code&) {
    doc.key_ = whole(s);
    return true;
  }
  bool on_string_part(string_view s, std::size_t, error_code&) {
    part(s);
    return true;
  }
  bool on_string(string_view s, std::size_t, error_code&) {
    value node;
    node.kind_ = kind::string;
    node.text_ = whole(s);
    doc.add_value(node);
    return true;
  }
  bool on_number_part(string_view, error_code&) { return true; }
  bool on_int64(std::int64_t i, string_view, error_code&) {
    return scalar(kind::int64, [i](value::scalar& to) { to.int64 = i; });
  }
  bool on_uint64(std::uint64_t u, string_view, error_code&) {
    return scalar(kind::uint64, [u](value::scalar& to) { to.uint64 = u; });
  }
  bool on_double(double d, string_view, error_code&) {
    return scalar(kind::double_, [d](value::scalar& to) { to.number = d; });
  }
  bool on_bool(bool b, error_code&) {
    return scalar(kind::bool_, [b](value::scalar& to) { to.boolean = b; });
  }
  bool on_null(error_code&) {
    doc.add_value(value{});
    return true;
  }
  bool on_comment_part(string_view, error_code&) { return true; }
  bool on_comment(string_view, error_code&) { return true; }

  template <class Set>
  bool scalar(kind type, Set set) {
    value node;
    node.kind_ = type;
    set(node.scalar_);
    doc.add_value(node);
    return true;
  }
  bool begin() {
    doc.open_.push_back({doc.pending_.size(), doc.key_});
    return true;
  }
  // A string in pieces (escapes, or split by the parser's buffer): gathered in scratch_, which
  // was reserved as large as the input, so views into it stay valid.
  void part(string_view s) {
    if (!doc.in_parts_) {
      doc.in_parts_ = true;
      doc.string_start_ = doc.scratch_.size();
    }
    doc.scratch_.append(s.data(), s.size());
  }
  std::string_view whole(string_view s) {
    if (!doc.in_parts_) {
      const char* input = doc.input_.data();
      if (s.data() >= input && s.data() + s.size() <= input + doc.input_.size()) {
        return {s.data(), s.size()};
      }
      doc.string_start_ = doc.scratch_.size();
    }
    doc.in_parts_ = false;
    doc.scratch_.append(s.data(), s.size());
    return std::string_view(doc.scratch_).substr(doc.string_start_);
  }

  document& doc;
};

document::document(const boost::json::parse_options& options)
    : parser_(std::make_unique<boost::json::basic_parser<builder>>(options, *this)) {}

document::~document() = default;

void document::add_value(value node) {
  values_.push_back(node);
  pending_.push_back({key_, static_cast<std::uint32_t>(values_.size() - 1)});
}

bool document::end_object(std::size_t count) {
  const open_container opened = open_.back();
  open_.pop_back();
  const std::size_t first = members_.size();
  const auto from = pending_.begin() + static_cast<std::ptrdiff_t>(opened.first_pending);
  // A key given twice keeps its first place and takes the last value (boost::json's rule).
  // Keys are compared by size and first byte before memcmp: most differ there.
  const auto same = [](std::string_view a, std::string_view b) noexcept {
    return a.size() == b.size() && (a.empty() || (a[0] == b[0] && a == b));
  };
  if (count <= 16) {
    for (auto at = from; at != pending_.end(); ++at) {
      bool seen = false;
      for (std::size_t m = first; m < members_.size(); ++m) {
        if (same(members_[m].key_, at->key)) {
          members_[m].index_ = at->value;
          seen = true;
          break;
        }
      }
      if (seen) continue;
      member& added = members_.emplace_back();
      added.key_ = at->key;
      added.index_ = at->value;
    }
  } else {
    std::unordered_map<std::string_view, std::size_t> where;
    for (auto at = from; at != pending_.end(); ++at) {
      const auto [found, inserted] = where.emplace(at->key, members_.size());
      if (!inserted) {
        members_[found->second].index_ = at->value;
        continue;
      }
      member& added = members_.emplace_back();
      added.key_ = at->key;
      added.index_ = at->value;
    }
  }
  pending_.erase(from, pending_.end());
  value node;
  node.kind_ = kind::object;
  node.object_.size_ = members_.size() - first;
  // Until the vectors stop growing, the object's first member is kept as its `items_` index.
  node.scalar_.uint64 = first;
  key_ = opened.key;
  add_value(node);
  containers_.push_back(static_cast<std::uint32_t>(values_.size() - 1));
  return true;
}

bool document::end_array(std::size_t count) {
  const open_container opened = open_.back();
  open_.pop_back();
  const std::size_t first = elements_.size();
  const auto from = pending_.begin() + static_cast<std::ptrdiff_t>(opened.first_pending);
  for (auto at = from; at != pending_.end(); ++at)
    elements_.push_back(at->value);
  pending_.erase(from, pending_.end());
  value node;
  node.kind_ = kind::array;
  node.array_.size_ = count;
  node.scalar_.uint64 = first;
  key_ = opened.key;
  add_value(node);
  containers_.push_back(static_cast<std::uint32_t>(values_.size() - 1));
  return true;
}

const value* document::parse(std::string_view text, boost::system::error_code& error) {
  values_.clear();
  members_.clear();
  elements_.clear();
  element_pointers_.clear();
  pending_.clear();
  open_.clear();
  containers_.clear();
  scratch_.clear();
  // Unescaping never lengthens a string: the whole input bounds what scratch_ receives.
  scratch_.reserve(text.size());
  key_ = {};
  in_parts_ = false;
  input_ = text;
  parser_->reset();
  error = {};
  const std::size_t used = parser_->write_some(false, text.data(), text.size(), error);
  if (!error && used < text.size()) error = boost::json::error::extra_data;
  if (error || values_.empty()) {
    if (!error) error = boost::json::error::incomplete;
    return nullptr;
  }
  // Every vector has its final size: indices become pointers.
  for (member& entry : members_)
    entry.value_ = &values_[entry.index_];
  element_pointers_.reserve(elements_.size());
  for (const auto index : elements_)
    element_pointers_.push_back(&values_[index]);
  for (const auto index : containers_) {
    value& node = values_[index];
    const auto first = static_cast<std::size_t>(node.scalar_.uint64);
    if (node.kind_ == kind::object) {
      node.object_.items_ = members_.data() + first;
    } else {
      node.array_.items_ = element_pointers_.data() + first;
    }
  }
  return &values_.back();
}

}  // namespace index_optimizer::json_tape
