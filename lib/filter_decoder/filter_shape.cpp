#include "filter_decoder/filter_shape.hpp"

#include <string>

#include "filter_decoder/mixpeek_filter.hpp"
#include "filter_decoder/qdrant_filter.hpp"

namespace index_optimizer {

std::string_view to_string(filter_dialect dialect) noexcept {
  switch (dialect) {
    case filter_dialect::empty:
      return "empty";
    case filter_dialect::qdrant:
      return "qdrant";
    case filter_dialect::mixpeek:
      return "mixpeek";
    case filter_dialect::field_list:
      return "field_list";
  }
  return "unknown";
}

namespace filter_walk {
namespace {

namespace json = json_tape;

bool invalid_field(walk_context& context, std::size_t index, std::string what) {
  return context.fail(decode_reason::invalid_field,
                      "fields[" + std::to_string(index) + "] " + std::move(what));
}

// {"field": "<path>", "type": "<index type>"?, "kinds": ["<condition kind>", ...]?}
bool walk_field_object(const json::object& object, std::size_t index, walk_context& context) {
  const json::value* field = object.if_contains("field");
  if (field == nullptr || !field->is_string()) {
    return invalid_field(context, index, "needs a string \"field\"");
  }
  index_type type = index_type::unknown;
  condition_kinds kinds = 0;
  for (const auto& [key, value] : object) {
    if (key == "field") continue;
    if (key == "type") {
      if (value.is_null()) continue;
      const std::string_view name = value.is_string() ? value.get_string() : std::string_view{};
      const auto parsed = parse_index_type(name);
      if (!parsed && name != "unknown") {
        return invalid_field(
            context, index,
            "has type " + (value.is_string() ? quoted(name) : std::string(json_kind(value))) +
                "; expected keyword, integer, float, bool, geo, datetime, text, "
                "uuid or unknown");
      }
      type = parsed.value_or(index_type::unknown);
    } else if (key == "kinds") {
      if (value.is_null()) continue;
      const json::array* names = value.if_array();
      if (names == nullptr)
        return invalid_field(context, index, "has \"kinds\" that is not an array");
      for (const json::value& name : *names) {
        const auto kind = name.is_string() ? parse_condition_kind(name.get_string()) : std::nullopt;
        if (!kind) {
          return invalid_field(
              context, index,
              "has unknown condition kind " +
                  (name.is_string() ? quoted(name.get_string()) : std::string(json_kind(name))));
        }
        kinds |= bit(*kind);
      }
    } else {
      return invalid_field(context, index,
                           "has unknown key " + quoted(key) + " (expected field, type, kinds)");
    }
  }
  return context.observe(field->get_string(), type, kinds);
}

}  // namespace

bool walk_filter(const json::value& filter, walk_context& context, filter_dialect& dialect) {
  const json::object* object = filter.if_object();
  if (object == nullptr) {
    return context.fail(decode_reason::unrecognised_filter,
                        "the filter must be a JSON object (a Qdrant or Mixpeek filter), not " +
                            std::string(json_kind(filter)));
  }
  if (object->empty()) {
    dialect = filter_dialect::empty;
    return true;
  }
  std::size_t qdrant_keys = 0;
  for (const auto& entry : *object)
    qdrant_keys += is_qdrant_filter_key(entry.key()) ? 1 : 0;
  if (qdrant_keys == object->size()) {
    dialect = filter_dialect::qdrant;
    return walk_qdrant_filter(*object, context);
  }
  if (qdrant_keys > 0) {
    return context.fail(decode_reason::unrecognised_filter,
                        "the filter mixes Qdrant keys (must, should, must_not, min_should) with "
                        "other keys; send either a Qdrant or a Mixpeek filter");
  }
  if (looks_like_bare_qdrant_condition(*object)) {
    return context.fail(decode_reason::unrecognised_filter,
                        "the filter is a single Qdrant condition; Qdrant takes a Filter at the top "
                        "level, so wrap it: {\"must\": [<condition>]}");
  }
  dialect = filter_dialect::mixpeek;
  return walk_mixpeek_filter(*object, context);
}

bool walk_field_list(const json::value& fields, walk_context& context) {
  const json::array* items = fields.if_array();
  if (items == nullptr) {
    return context.fail(decode_reason::invalid_field,
                        "fields must be a JSON array of field names or {\"field\", \"type\"} "
                        "objects, not " +
                            std::string(json_kind(fields)));
  }
  for (std::size_t index = 0; index < items->size(); ++index) {
    if (!context.count_condition()) return false;
    const json::value& item = (*items)[index];
    bool ok;
    if (item.is_string()) {
      ok = context.observe(item.get_string(), index_type::unknown, 0);
    } else if (item.is_object()) {
      ok = walk_field_object(item.get_object(), index, context);
    } else {
      ok = invalid_field(context, index,
                         "is " + std::string(json_kind(item)) +
                             "; expected a field name or a {\"field\", \"type\"} object");
    }
    if (!ok) return false;
  }
  return true;
}

}  // namespace filter_walk
}  // namespace index_optimizer
