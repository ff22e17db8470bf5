#include "namespace_api/namespace_listing.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace index_optimizer {
namespace {

using boost::json::value;

error_location filters_at(std::initializer_list<std::string_view> parts) {
  error_location out{std::string("body"), std::string("filters")};
  for (const auto p : parts)
    out.emplace_back(std::string(p));
  return out;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool equal_text(std::string_view a, std::string_view b, bool case_sensitive) {
  if (case_sensitive) return a == b;
  return a.size() == b.size() && lower(a) == lower(b);
}

// The filterable fields of a namespace as JSON values (null when unset).
value field_value(const namespace_model& ns, std::string_view field) {
  if (field == "namespace_id") return value(ns.namespace_id);
  if (field == "namespace_name") return value(ns.namespace_name);
  if (field == "description") return ns.description ? value(*ns.description) : value(nullptr);
  if (field == "namespace_type") return value(to_string(ns.type));
  if (field == "auto_create_indexes") return value(ns.auto_create_indexes);
  return value(nullptr);
}

bool equal_value(const value& actual, const value& wanted, bool case_sensitive) {
  if (actual.is_string() && wanted.is_string()) {
    return equal_text(actual.as_string(), wanted.as_string(), case_sensitive);
  }
  return actual == wanted;
}

constexpr std::array<std::string_view, 5> k_filter_fields{
    "namespace_id", "namespace_name", "description", "namespace_type", "auto_create_indexes"};

bool is_string_field(std::string_view field) {
  return field != "auto_create_indexes";
}

// A filter operand: a string for string fields (description also null), a bool for
// auto_create_indexes.
bool valid_operand(std::string_view field, const value& v) {
  if (!is_string_field(field)) return v.is_bool();
  return v.is_string() || (field == "description" && v.is_null());
}

std::string operand_message(std::string_view field) {
  if (!is_string_field(field)) return "Input should be a valid boolean";
  return field == "description" ? "Input should be a valid string or null"
                                : "Input should be a valid string";
}

}  // namespace

std::optional<simple_pattern> parse_simple_pattern(std::string_view regex, std::string& why) {
  simple_pattern pattern;
  if (regex.starts_with('^')) {
    pattern.anchored_start = true;
    regex.remove_prefix(1);
  }
  std::string literal;
  for (std::size_t i = 0; i < regex.size(); ++i) {
    const char c = regex[i];
    if (c == '\\') {
      if (i + 1 == regex.size()) {
        why = "a trailing backslash escapes nothing";
        return std::nullopt;
      }
      const char next = regex[++i];
      if (std::isalnum(static_cast<unsigned char>(next)) != 0) {
        why = std::string("escape \\") + next + " is not supported";
        return std::nullopt;
      }
      literal += next;
    } else if (c == '.' && i + 1 < regex.size() && regex[i + 1] == '*') {
      pattern.literals.push_back(std::move(literal));
      literal.clear();
      ++i;
    } else if (c == '$' && i + 1 == regex.size()) {
      pattern.anchored_end = true;
    } else if (std::string_view(".^$*+?()[]{}|").find(c) != std::string_view::npos) {
      why = std::string("'") + c +
            "' is not supported: $regex takes literals, ^ and $ anchors and .* wildcards (escape "
            "a metacharacter with a backslash)";
      return std::nullopt;
    } else {
      literal += c;
    }
  }
  pattern.literals.push_back(std::move(literal));
  return pattern;
}

bool matches(const simple_pattern& pattern, std::string_view text, bool case_sensitive) {
  std::string folded_text;
  if (!case_sensitive) {
    folded_text = lower(text);
    text = folded_text;
  }
  const auto& parts = pattern.literals;
  std::size_t pos = 0;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const std::string part = case_sensitive ? parts[i] : lower(parts[i]);
    const bool first = i == 0;
    const bool last = i + 1 == parts.size();
    if (last && pattern.anchored_end) {
      // The last literal sits at the end, after everything matched so far.
      if (text.size() < pos + part.size() || !text.ends_with(part)) return false;
      if (first && pattern.anchored_start) return text.size() == part.size();
      return true;
    }
    if (first && pattern.anchored_start) {
      if (!text.starts_with(part)) return false;
      pos = part.size();
      continue;
    }
    const auto found = text.find(part, pos);
    if (found == std::string_view::npos) return false;
    pos = found + part.size();
  }
  return true;
}

validation_result<std::vector<namespace_filter>> parse_namespace_filters(
    const boost::json::object& filters, bool case_sensitive) {
  (void)case_sensitive;  // applied when matching; parsing is the same either way
  std::vector<namespace_filter> out;
  std::vector<validation_error> errors;
  for (const auto& [key, v] : filters) {
    const std::string field(key);
    if (std::find(k_filter_fields.begin(), k_filter_fields.end(), field) == k_filter_fields.end()) {
      errors.push_back({"value_error", filters_at({field}),
                        "Value error, cannot filter on '" + field +
                            "': filterable fields are namespace_id, namespace_name, "
                            "description, namespace_type and auto_create_indexes"});
      continue;
    }
    namespace_filter filter;
    filter.field = field;
    if (!v.is_object()) {
      if (!valid_operand(field, v)) {
        errors.push_back({"value_error", filters_at({field}), operand_message(field)});
        continue;
      }
      filter.values.push_back(v);
      out.push_back(std::move(filter));
      continue;
    }
    const auto& o = v.as_object();
    if (o.size() != 1) {
      errors.push_back({"value_error", filters_at({field}),
                        "Value error, an operator object takes exactly one of $eq, $ne, $in, "
                        "$nin, $regex"});
      continue;
    }
    const std::string op(o.begin()->key());
    const value& operand = o.begin()->value();
    const auto loc = filters_at({field, op});
    if (op == "$eq" || op == "$ne") {
      filter.what = op == "$eq" ? namespace_filter::op::eq : namespace_filter::op::ne;
      if (!valid_operand(field, operand)) {
        errors.push_back({"value_error", loc, operand_message(field)});
        continue;
      }
      filter.values.push_back(operand);
    } else if (op == "$in" || op == "$nin") {
      filter.what = op == "$in" ? namespace_filter::op::in : namespace_filter::op::nin;
      if (!operand.is_array()) {
        errors.push_back({"list_type", loc, "Input should be a valid list"});
        continue;
      }
      bool ok = true;
      for (const auto& item : operand.as_array()) {
        if (!valid_operand(field, item)) {
          errors.push_back({"value_error", loc, operand_message(field)});
          ok = false;
          break;
        }
        filter.values.push_back(item);
      }
      if (!ok) continue;
    } else if (op == "$regex") {
      filter.what = namespace_filter::op::regex;
      if (!is_string_field(field) || !operand.is_string()) {
        errors.push_back({"value_error", loc,
                          "Value error, $regex takes a string and applies to string fields"});
        continue;
      }
      std::string why;
      auto pattern = parse_simple_pattern(operand.as_string(), why);
      if (!pattern) {
        errors.push_back({"value_error", loc, "Value error, " + why});
        continue;
      }
      filter.pattern = std::move(*pattern);
    } else {
      errors.push_back(
          {"value_error", loc,
           "Value error, unknown operator '" + op + "': use one of $eq, $ne, $in, $nin, $regex"});
      continue;
    }
    out.push_back(std::move(filter));
  }
  if (!errors.empty()) return errors;
  return out;
}

bool matches(const namespace_model& ns, const namespace_filter& filter, bool case_sensitive) {
  const value actual = field_value(ns, filter.field);
  const auto any_equal = [&] {
    return std::any_of(filter.values.begin(), filter.values.end(),
                       [&](const value& v) { return equal_value(actual, v, case_sensitive); });
  };
  switch (filter.what) {
    case namespace_filter::op::eq:
    case namespace_filter::op::in:
      return any_equal();
    case namespace_filter::op::ne:
    case namespace_filter::op::nin:
      return !any_equal();
    case namespace_filter::op::regex:
      return actual.is_string() && matches(filter.pattern, actual.as_string(), case_sensitive);
  }
  return false;
}

bool matches_search(const namespace_model& ns, std::string_view search, bool case_sensitive) {
  const std::string needle = case_sensitive ? std::string(search) : lower(search);
  const auto contains = [&](std::string_view haystack) {
    return case_sensitive ? haystack.find(needle) != std::string_view::npos
                          : lower(haystack).find(needle) != std::string::npos;
  };
  return contains(ns.namespace_id) || contains(ns.namespace_name) ||
         (ns.description && contains(*ns.description));
}

namespace_selection select_namespaces(std::vector<namespace_model> all,
                                      const list_namespaces_request& request,
                                      const std::vector<namespace_filter>& filters,
                                      const list_page& page) {
  std::erase_if(all, [&](const namespace_model& ns) {
    for (const auto& f : filters) {
      if (!matches(ns, f, request.case_sensitive)) return true;
    }
    return request.search && !request.search->empty() &&
           !matches_search(ns, *request.search, request.case_sensitive);
  });
  if (request.sort) {
    const auto& field = request.sort->field;
    const auto key_less = [&](const namespace_model& a, const namespace_model& b) {
      if (field == "namespace_id") return a.namespace_id < b.namespace_id;
      if (field == "namespace_name") return a.namespace_name < b.namespace_name;
      if (field == "description") return a.description < b.description;  // unset sorts first
      if (field == "created_at") return a.created_at < b.created_at;
      return a.updated_at < b.updated_at;
    };
    const bool descending = request.sort->descending;
    std::stable_sort(all.begin(), all.end(), [&](const auto& a, const auto& b) {
      return descending ? key_less(b, a) : key_less(a, b);
    });
  }

  namespace_selection out;
  out.total = static_cast<std::int64_t>(all.size());
  const auto begin = std::min<std::int64_t>(page.offset, out.total);
  const auto end = std::min<std::int64_t>(begin + page.limit, out.total);
  out.page.assign(std::make_move_iterator(all.begin() + begin),
                  std::make_move_iterator(all.begin() + end));

  out.pagination.page_size = page.limit;
  out.pagination.page = page.offset / page.limit + 1;
  if (end < out.total) out.pagination.next_cursor = encode_list_cursor(end);
  if (page.include_total) {
    out.pagination.total = out.total;
    out.pagination.total_pages = (out.total + page.limit - 1) / page.limit;
  }
  return out;
}

}  // namespace index_optimizer
