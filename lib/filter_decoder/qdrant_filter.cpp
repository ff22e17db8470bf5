#include "filter_decoder/qdrant_filter.hpp"

#include <string>

#include "filter_decoder/value_types.hpp"

namespace index_optimizer::filter_walk {
namespace {

namespace json = json_tape;

bool walk_condition(const json::value& condition, walk_context& context);

bool is_integer(const json::value& value) noexcept {
  return value.is_int64() || value.is_uint64();
}

// A string match value: uuid when it is a UUID, keyword otherwise.
index_type string_type(std::string_view text) noexcept {
  return is_uuid(text) ? index_type::uuid : index_type::keyword;
}

// ValueVariants: string, integer or bool.
bool walk_match_value(std::string_view key, const json::value& value, walk_context& context) {
  index_type type;
  if (value.is_string()) {
    type = string_type(value.get_string());
  } else if (is_integer(value)) {
    type = index_type::integer;
  } else if (value.is_bool()) {
    type = index_type::bool_;
  } else {
    return context.invalid_filter("match.value of " + quoted(key) +
                                  " must be a string, an integer or a boolean, not " +
                                  std::string(json_kind(value)));
  }
  return context.observe(key, type, bit(condition_kind::match));
}

// AnyVariants: an array of strings or an array of integers. An empty array says nothing about the
// type.
bool walk_match_any(std::string_view key, std::string_view clause, const json::value& value,
                    walk_context& context) {
  const json::array* items = value.if_array();
  if (items == nullptr) {
    return context.invalid_filter("match." + std::string(clause) + " of " + quoted(key) +
                                  " must be an array, not " + std::string(json_kind(value)));
  }
  index_type type = index_type::unknown;
  for (const json::value& item : *items) {
    index_type item_type;
    if (item.is_string()) {
      item_type = string_type(item.get_string());
    } else if (is_integer(item)) {
      item_type = index_type::integer;
    } else {
      return context.invalid_filter("match." + std::string(clause) + " of " + quoted(key) +
                                    " must hold only strings or only integers, not " +
                                    std::string(json_kind(item)));
    }
    const auto widened = widen(type, item_type);
    if (!widened) {
      return context.invalid_filter("match." + std::string(clause) + " of " + quoted(key) +
                                    " mixes strings and integers");
    }
    type = *widened;
  }
  return context.observe(key, type, bit(condition_kind::any));
}

bool walk_match_string(std::string_view key, std::string_view clause, const json::value& value,
                       index_type type, condition_kind kind, walk_context& context) {
  if (!value.is_string()) {
    return context.invalid_filter("match." + std::string(clause) + " of " + quoted(key) +
                                  " must be a string, not " + std::string(json_kind(value)));
  }
  return context.observe(key, type, bit(kind));
}

// Match: exactly one of value, text, text_any, phrase, prefix, any, except.
bool walk_match(std::string_view key, const json::value& match, walk_context& context) {
  const json::object* object = match.if_object();
  if (object == nullptr || object->size() != 1) {
    return context.invalid_filter(
        "match of " + quoted(key) +
        " must be an object with exactly one of value, text, text_any, phrase, prefix, any, "
        "except");
  }
  const auto& [clause, value] = *object->begin();
  if (clause == "value") return walk_match_value(key, value, context);
  if (clause == "any" || clause == "except") return walk_match_any(key, clause, value, context);
  if (clause == "text" || clause == "text_any") {
    return walk_match_string(key, clause, value, index_type::text, condition_kind::text, context);
  }
  if (clause == "phrase") {
    return walk_match_string(key, clause, value, index_type::text, condition_kind::phrase, context);
  }
  if (clause == "prefix") {
    return walk_match_string(key, clause, value, index_type::keyword, condition_kind::prefix,
                             context);
  }
  return context.invalid_filter("match of " + quoted(key) + " has unknown kind " + quoted(clause));
}

// Range (numeric bounds) or DatetimeRange (datetime strings); bounds are lt, gt, gte, lte.
bool walk_range(std::string_view key, const json::value& range, walk_context& context) {
  const json::object* object = range.if_object();
  if (object == nullptr) {
    return context.invalid_filter("range of " + quoted(key) + " must be an object, not " +
                                  std::string(json_kind(range)));
  }
  bool numeric = false;
  bool all_integer = true;
  bool datetime = false;
  for (const auto& [bound, value] : *object) {
    if (bound != "lt" && bound != "gt" && bound != "gte" && bound != "lte") {
      return context.invalid_filter("range of " + quoted(key) + " has unknown bound " +
                                    quoted(bound) + " (expected lt, gt, gte, lte)");
    }
    if (value.is_null()) continue;
    if (value.is_number()) {
      numeric = true;
      all_integer = all_integer && is_integer(value);
    } else if (value.is_string() && is_datetime(value.get_string())) {
      datetime = true;
    } else {
      return context.invalid_filter(
          "range." + std::string(bound) + " of " + quoted(key) +
          " must be a number or an RFC 3339 datetime, not " +
          (value.is_string() ? quoted(value.get_string()) : std::string(json_kind(value))));
    }
  }
  if (numeric && datetime) {
    return context.invalid_filter("range of " + quoted(key) + " mixes numeric and datetime bounds");
  }
  index_type type = index_type::unknown;  // no bounds: nothing says what the values are
  if (datetime) {
    type = index_type::datetime;
  } else if (numeric) {
    type = all_integer ? index_type::integer : index_type::float_;
  }
  return context.observe(key, type, bit(condition_kind::range));
}

// Clauses whose inner shape does not change the index type (geo_*, values_count): the decoder
// only requires an object and leaves geometry validation to Qdrant.
bool walk_object_clause(std::string_view key, std::string_view clause, const json::value& value,
                        index_type type, condition_kind kind, walk_context& context) {
  if (!value.is_object()) {
    return context.invalid_filter(std::string(clause) + " of " + quoted(key) +
                                  " must be an object, not " + std::string(json_kind(value)));
  }
  return context.observe(key, type, bit(kind));
}

// FieldCondition.is_empty / is_null: the boolean alternative syntax of the stand-alone conditions.
bool walk_flag_clause(std::string_view key, std::string_view clause, const json::value& value,
                      condition_kind kind, walk_context& context) {
  if (!value.is_bool()) {
    return context.invalid_filter(std::string(clause) + " of " + quoted(key) +
                                  " must be a boolean, not " + std::string(json_kind(value)));
  }
  return context.observe(key, index_type::unknown, bit(kind));
}

bool walk_field_condition(const json::object& condition, walk_context& context) {
  const json::value& key_value = condition.at("key");
  if (!key_value.is_string()) {
    return context.invalid_filter("a field condition's key must be a string, not " +
                                  std::string(json_kind(key_value)));
  }
  const std::string_view key = key_value.get_string();
  bool any_clause = false;
  for (const auto& [clause, value] : condition) {
    if (clause == "key") continue;
    bool known = true;
    bool ok = true;
    if (value.is_null()) {
      // Every clause is nullable: null means absent.
      known = clause == "match" || clause == "range" || clause == "geo_bounding_box" ||
              clause == "geo_radius" || clause == "geo_polygon" || clause == "values_count" ||
              clause == "is_empty" || clause == "is_null";
      if (known) continue;
    } else if (clause == "match") {
      ok = walk_match(key, value, context);
    } else if (clause == "range") {
      ok = walk_range(key, value, context);
    } else if (clause == "geo_bounding_box" || clause == "geo_radius" || clause == "geo_polygon") {
      ok = walk_object_clause(key, clause, value, index_type::geo, condition_kind::geo, context);
    } else if (clause == "values_count") {
      ok = walk_object_clause(key, clause, value, index_type::unknown, condition_kind::values_count,
                              context);
    } else if (clause == "is_empty") {
      ok = walk_flag_clause(key, clause, value, condition_kind::is_empty, context);
    } else if (clause == "is_null") {
      ok = walk_flag_clause(key, clause, value, condition_kind::is_null, context);
    } else {
      known = false;
    }
    if (!known) {
      return context.invalid_filter("field condition on " + quoted(key) + " has unknown key " +
                                    quoted(clause));
    }
    if (!ok) return false;
    any_clause = true;
  }
  if (!any_clause) {
    return context.invalid_filter(
        "field condition on " + quoted(key) +
        " has none of match, range, geo_bounding_box, geo_radius, geo_polygon, values_count, "
        "is_empty, is_null");
  }
  return true;
}

// IsEmptyCondition / IsNullCondition: {"is_empty": {"key": "..."}}.
bool walk_payload_field_condition(std::string_view name, const json::value& payload_field,
                                  condition_kind kind, walk_context& context) {
  const json::object* object = payload_field.if_object();
  const json::value* key = object != nullptr ? object->if_contains("key") : nullptr;
  if (key == nullptr || !key->is_string() || object->size() != 1) {
    return context.invalid_filter(std::string(name) + " must be {\"key\": \"<field>\"}");
  }
  return context.observe(key->get_string(), index_type::unknown, bit(kind));
}

// NestedCondition: {"nested": {"key": K, "filter": F}}; F's keys are K[].k.
bool walk_nested(const json::value& nested, walk_context& context) {
  const json::object* object = nested.if_object();
  const json::value* key = object != nullptr ? object->if_contains("key") : nullptr;
  const json::value* filter = object != nullptr ? object->if_contains("filter") : nullptr;
  if (key == nullptr || !key->is_string() || filter == nullptr || !filter->is_object() ||
      object->size() != 2) {
    return context.invalid_filter(
        "nested must be {\"key\": \"<array field>\", \"filter\": {<Qdrant filter>}}");
  }
  if (key->get_string().empty())
    return context.fail(decode_reason::invalid_field, "a nested key is empty");
  // The nested key becomes part of every path under it, so it gets the field names' check.
  if (has_control_character(key->get_string())) {
    return context.fail(decode_reason::invalid_field, "nested key " + quoted(key->get_string()) +
                                                          " contains a control character");
  }
  const std::size_t saved = context.enter_nested(key->get_string());
  const bool ok = walk_qdrant_filter(filter->get_object(), context);
  context.leave_nested(saved);
  return ok;
}

bool walk_condition(const json::value& condition, walk_context& context) {
  const json::object* object = condition.if_object();
  if (object == nullptr) {
    return context.invalid_filter("a Qdrant condition must be an object, not " +
                                  std::string(json_kind(condition)));
  }
  if (!context.count_condition()) return false;
  if (object->contains("key")) return walk_field_condition(*object, context);
  if (object->size() == 1) {
    const auto& [name, value] = *object->begin();
    if (name == "nested") return walk_nested(value, context);
    if (name == "is_empty") {
      return walk_payload_field_condition(name, value, condition_kind::is_empty, context);
    }
    if (name == "is_null") {
      return walk_payload_field_condition(name, value, condition_kind::is_null, context);
    }
    // Point ids, named vectors and id slices are not payload: no index can serve them.
    if (name == "has_id" || name == "has_vector" || name == "slice") return true;
  }
  bool all_filter_keys = true;
  for (const auto& entry : *object)
    all_filter_keys = all_filter_keys && is_qdrant_filter_key(entry.key());
  if (all_filter_keys) return walk_qdrant_filter(*object, context);
  return context.invalid_filter(
      "a Qdrant condition must be a field condition (key + match/range/...), nested, is_empty, "
      "is_null, has_id, has_vector, slice or a filter; got an object with key " +
      quoted(object->begin()->key()));
}

// must / should / must_not: one condition or an array of them.
bool walk_clause_list(std::string_view clause, const json::value& conditions,
                      walk_context& context) {
  if (conditions.is_null()) return true;
  if (const json::array* items = conditions.if_array()) {
    for (const json::value& item : *items) {
      if (!walk_condition(item, context)) return false;
    }
    return true;
  }
  if (conditions.is_object()) return walk_condition(conditions, context);
  return context.invalid_filter(std::string(clause) +
                                " must be a condition or an array of conditions, not " +
                                std::string(json_kind(conditions)));
}

// MinShould: {"conditions": [...], "min_count": N}.
bool walk_min_should(const json::value& min_should, walk_context& context) {
  if (min_should.is_null()) return true;
  const json::object* object = min_should.if_object();
  const json::value* conditions = object != nullptr ? object->if_contains("conditions") : nullptr;
  const json::value* min_count = object != nullptr ? object->if_contains("min_count") : nullptr;
  if (conditions == nullptr || !conditions->is_array() || min_count == nullptr ||
      !(min_count->is_uint64() || (min_count->is_int64() && min_count->get_int64() >= 0)) ||
      object->size() != 2) {
    return context.invalid_filter(
        "min_should must be {\"conditions\": [...], \"min_count\": <non-negative integer>}");
  }
  for (const json::value& item : conditions->get_array()) {
    if (!walk_condition(item, context)) return false;
  }
  return true;
}

}  // namespace

bool is_qdrant_filter_key(std::string_view key) noexcept {
  return key == "must" || key == "should" || key == "must_not" || key == "min_should";
}

bool looks_like_bare_qdrant_condition(const json::object& object) noexcept {
  if (const json::value* key = object.if_contains("key"); key != nullptr && key->is_string()) {
    for (const char* clause :
         {"match", "range", "geo_bounding_box", "geo_radius", "geo_polygon", "values_count"}) {
      if (const json::value* value = object.if_contains(clause); value && value->is_object()) {
        return true;
      }
    }
    return false;
  }
  if (object.size() != 1) return false;
  const auto& [name, value] = *object.begin();
  if (name == "nested") return value.is_object() && value.get_object().contains("filter");
  if (name == "is_empty" || name == "is_null") {
    return value.is_object() && value.get_object().contains("key");
  }
  if (name == "has_id") return value.is_array();
  if (name == "has_vector") return value.is_string();
  if (name == "slice") return value.is_object() && value.get_object().contains("total");
  return false;
}

bool walk_qdrant_filter(const json::object& filter, walk_context& context) {
  for (const auto& [clause, value] : filter) {
    bool ok;
    if (clause == "must" || clause == "should" || clause == "must_not") {
      ok = walk_clause_list(clause, value, context);
    } else if (clause == "min_should") {
      ok = walk_min_should(value, context);
    } else {
      return context.invalid_filter("a Qdrant filter has unknown key " + quoted(clause) +
                                    " (expected must, should, must_not, min_should)");
    }
    if (!ok) return false;
  }
  return true;
}

}  // namespace index_optimizer::filter_walk
