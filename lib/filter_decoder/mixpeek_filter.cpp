#include "filter_decoder/mixpeek_filter.hpp"

#include <optional>
#include <string>

#include "filter_decoder/value_types.hpp"

namespace index_optimizer::filter_walk {
namespace {

namespace json = json_tape;

enum class mixpeek_operator {
  eq,
  ne,
  gt,
  lt,
  gte,
  lte,
  in,
  nin,
  contains,
  starts_with,
  ends_with,
  regex,
  exists,
  is_null,
  text,
};

// FilterOperator names; the legacy Mongo style spells them with a leading `$`.
std::optional<mixpeek_operator> parse_operator(std::string_view name) noexcept {
  if (name.starts_with('$')) name.remove_prefix(1);
  struct named {
    std::string_view name;
    mixpeek_operator op;
  };
  static constexpr named k_operators[] = {
      {"eq", mixpeek_operator::eq},
      {"ne", mixpeek_operator::ne},
      {"gt", mixpeek_operator::gt},
      {"lt", mixpeek_operator::lt},
      {"gte", mixpeek_operator::gte},
      {"lte", mixpeek_operator::lte},
      {"in", mixpeek_operator::in},
      {"nin", mixpeek_operator::nin},
      {"contains", mixpeek_operator::contains},
      {"starts_with", mixpeek_operator::starts_with},
      {"ends_with", mixpeek_operator::ends_with},
      {"regex", mixpeek_operator::regex},
      {"exists", mixpeek_operator::exists},
      {"is_null", mixpeek_operator::is_null},
      {"text", mixpeek_operator::text},
  };
  for (const named& entry : k_operators) {
    if (entry.name == name) return entry.op;
  }
  return std::nullopt;
}

// DynamicValue: {"type": "dynamic", "field": "inputs.user_id"} ("type" defaults to "dynamic").
bool is_dynamic_value(const json::object& object) noexcept {
  const json::value* field = object.if_contains("field");
  if (field == nullptr || !field->is_string()) return false;
  const json::value* type = object.if_contains("type");
  if (type == nullptr) return object.size() == 1;
  return type->is_string() && type->get_string() == "dynamic" && object.size() == 2;
}

bool is_operator_dict(const json::object& object) noexcept {
  if (object.empty()) return false;
  for (const auto& entry : object) {
    if (!parse_operator(entry.key())) return false;
  }
  return true;
}

// A FilterCondition: a string `field` and no keys but field/operator/value. Any other object
// with a `field` key is a malformed condition rather than a shorthand on a payload field named
// "field" (that field needs the long form), so a producer's typo is reported, not counted.
bool is_filter_condition(const json::object& object) noexcept {
  const json::value* field = object.if_contains("field");
  if (field == nullptr || !field->is_string()) return false;
  for (const auto& entry : object) {
    const std::string_view key = entry.key();
    if (key != "field" && key != "operator" && key != "value") return false;
  }
  return true;
}

bool is_logical_key(std::string_view key) noexcept {
  return key == "AND" || key == "OR" || key == "NOT" || key == "case_sensitive" ||
         key.starts_with('$');
}

// The type of one comparison value; nullopt for an object that is not a DynamicValue, or an
// array, which the caller handles.
std::optional<index_type> scalar_type(const json::value& value) noexcept {
  switch (value.kind()) {
    case json::kind::string: {
      const std::string_view text = value.get_string();
      if (is_template(text)) return index_type::unknown;
      return is_uuid(text) ? index_type::uuid : index_type::keyword;
    }
    case json::kind::int64:
    case json::kind::uint64:
      return index_type::integer;
    case json::kind::double_:
      return index_type::float_;
    case json::kind::bool_:
      return index_type::bool_;
    case json::kind::null:
      return index_type::unknown;
    case json::kind::object:
      if (is_dynamic_value(value.get_object())) return index_type::unknown;
      return std::nullopt;
    case json::kind::array:
      return std::nullopt;
  }
  return std::nullopt;
}

// The type of an equality/membership value: a scalar's type, or for an array the elements' types
// combined with widen() (unknown when they have no common index, or the array is empty).
bool value_type(std::string_view field, const json::value& value, index_type& type,
                walk_context& context) {
  if (const auto scalar = scalar_type(value)) {
    type = *scalar;
    return true;
  }
  const json::array* items = value.if_array();
  if (items == nullptr) {
    return context.invalid_filter("value of " + quoted(field) +
                                  " is an object that is neither an operator dict (eq, gte, "
                                  "$in, ...) nor a dynamic value");
  }
  type = index_type::unknown;
  bool conflict = false;
  for (const json::value& item : *items) {
    const auto item_type = scalar_type(item);
    if (!item_type) {
      return context.invalid_filter("values of " + quoted(field) + " must be scalars, not " +
                                    std::string(json_kind(item)));
    }
    if (conflict) continue;
    const auto widened = widen(type, *item_type);
    conflict = !widened;
    type = widened.value_or(index_type::unknown);
  }
  if (conflict) type = index_type::unknown;
  return true;
}

// gt/gte/lt/lte: numbers give integer/float, datetime strings datetime; anything else (a
// template, a plain string, a bool) is unknown.
bool range_type(std::string_view field, const json::value& value, index_type& type,
                walk_context& context) {
  if (value.is_int64() || value.is_uint64()) {
    type = index_type::integer;
  } else if (value.is_double()) {
    type = index_type::float_;
  } else if (value.is_string()) {
    type = is_datetime(value.get_string()) ? index_type::datetime : index_type::unknown;
  } else if (value.is_array() || (value.is_object() && !is_dynamic_value(value.get_object()))) {
    return context.invalid_filter("a range bound of " + quoted(field) + " must be a scalar, not " +
                                  std::string(json_kind(value)));
  } else {
    type = index_type::unknown;
  }
  return true;
}

// One comparison. `value` is nullptr when the condition has none (allowed for exists/is_null).
bool walk_comparison(std::string_view field, mixpeek_operator op, const json::value* value,
                     walk_context& context) {
  if (!context.count_condition()) return false;
  if (value == nullptr && op != mixpeek_operator::exists && op != mixpeek_operator::is_null) {
    return context.invalid_filter("condition on " + quoted(field) + " has no value");
  }
  index_type type = index_type::unknown;
  condition_kind kind = condition_kind::match;
  switch (op) {
    case mixpeek_operator::eq:
    case mixpeek_operator::ne:
      if (!value_type(field, *value, type, context)) return false;
      break;
    case mixpeek_operator::in:
    case mixpeek_operator::nin:
      if (!value_type(field, *value, type, context)) return false;
      kind = condition_kind::any;
      break;
    case mixpeek_operator::gt:
    case mixpeek_operator::lt:
    case mixpeek_operator::gte:
    case mixpeek_operator::lte:
      if (!range_type(field, *value, type, context)) return false;
      kind = condition_kind::range;
      break;
    case mixpeek_operator::contains:
      // "String contains substring" is Qdrant's match.text, served by a text index; a non-string
      // value tests array membership, which is an exact match on the element.
      if (value->is_string() || value->is_object()) {
        if (value->is_object() && !is_dynamic_value(value->get_object())) {
          return context.invalid_filter("value of " + quoted(field) +
                                        " is an object that is not a dynamic value");
        }
        type = index_type::text;
        kind = condition_kind::text;
      } else if (!value_type(field, *value, type, context)) {
        return false;
      }
      break;
    case mixpeek_operator::starts_with:
      type = index_type::keyword;
      kind = condition_kind::prefix;
      break;
    case mixpeek_operator::ends_with:
    case mixpeek_operator::regex:
      kind = condition_kind::pattern;
      break;
    case mixpeek_operator::text:
      type = index_type::text;
      kind = condition_kind::text;
      break;
    case mixpeek_operator::exists:
      kind = condition_kind::exists;
      break;
    case mixpeek_operator::is_null:
      kind = condition_kind::is_null;
      break;
  }
  return context.observe(field, type, bit(kind));
}

// {"field": F, "operator": OP (default eq), "value": V}
bool walk_filter_condition(const json::object& condition, walk_context& context) {
  const std::string_view field = condition.at("field").get_string();
  mixpeek_operator op = mixpeek_operator::eq;
  if (const json::value* name = condition.if_contains("operator"); name && !name->is_null()) {
    const auto parsed = name->is_string() ? parse_operator(name->get_string()) : std::nullopt;
    if (!parsed) {
      return context.invalid_filter(
          "condition on " + quoted(field) + " has unknown operator " +
          (name->is_string() ? quoted(name->get_string()) : std::string(json_kind(*name))));
    }
    op = *parsed;
  }
  return walk_comparison(field, op, condition.if_contains("value"), context);
}

bool walk_node(const json::object& node, walk_context& context);

// `{"field": value}`: eq, or an operator dict `{"lte": 5, "$gt": 1}`, or a dynamic value.
bool walk_shorthand(std::string_view field, const json::value& value, walk_context& context) {
  if (const json::object* object = value.if_object(); object && is_operator_dict(*object)) {
    for (const auto& [name, operand] : *object) {
      if (!walk_comparison(field, *parse_operator(name), &operand, context)) return false;
    }
    return true;
  }
  return walk_comparison(field, mixpeek_operator::eq, &value, context);
}

// AND / OR: an array of nodes; NOT also takes one node.
bool walk_group(std::string_view name, const json::value& group, bool single_allowed,
                walk_context& context) {
  if (group.is_null()) return true;
  const auto walk_member = [&](const json::value& member) {
    const json::object* object = member.if_object();
    if (object == nullptr) {
      return context.invalid_filter("members of " + std::string(name) +
                                    " must be objects (conditions or logical operators), not " +
                                    std::string(json_kind(member)));
    }
    return walk_node(*object, context);
  };
  if (!context.count_condition()) return false;
  if (const json::array* members = group.if_array()) {
    for (const json::value& member : *members) {
      if (!walk_member(member)) return false;
    }
    return true;
  }
  if (single_allowed && group.is_object()) return walk_member(group);
  return context.invalid_filter(std::string(name) + " must be an array" +
                                (single_allowed ? " or an object" : "") + ", not " +
                                std::string(json_kind(group)));
}

bool walk_logical_key(std::string_view key, const json::value& value, walk_context& context) {
  // Mongo's $and/$or/$nor are accepted as spellings of AND/OR/NOT ("all must be false").
  if (key == "AND" || key == "$and") return walk_group(key, value, false, context);
  if (key == "OR" || key == "$or") return walk_group(key, value, false, context);
  if (key == "NOT" || key == "$nor") return walk_group(key, value, true, context);
  if (key == "case_sensitive") {
    // Changes how strings compare, not which field is filtered or its index type.
    if (value.is_bool() || value.is_null()) return true;
    return context.invalid_filter("case_sensitive must be a boolean, not " +
                                  std::string(json_kind(value)));
  }
  return context.invalid_filter("unknown logical operator " + quoted(key) +
                                " (expected AND, OR, NOT, $and, $or, $nor)");
}

bool walk_node(const json::object& node, walk_context& context) {
  if (is_filter_condition(node)) return walk_filter_condition(node, context);
  if (node.contains("field")) {
    return context.invalid_filter(
        "a condition must be {\"field\": \"<name>\", \"operator\": \"<op>\", \"value\": ...} "
        "with no other keys");
  }
  for (const auto& [key, value] : node) {
    const bool ok = is_logical_key(key) ? walk_logical_key(key, value, context)
                                        : walk_shorthand(key, value, context);
    if (!ok) return false;
  }
  return true;
}

}  // namespace

bool walk_mixpeek_filter(const json::object& filter, walk_context& context) {
  return walk_node(filter, context);
}

}  // namespace index_optimizer::filter_walk
