#include "namespace_model/payload_index_config.hpp"

#include "namespace_model/json_checks.hpp"
#include "namespace_model/qdrant_json_path.hpp"
#include "text/rfc3339_time.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <map>
#include <string_view>

namespace index_optimizer {
namespace {

namespace jc = json_checks;
using boost::json::object;
using boost::json::value;

// PayloadSchemaType in the order Mixpeek's spec lists it (the order of the `enum` message).
constexpr std::array<std::string_view, 8> k_type_names{"keyword", "integer",  "float", "bool",
                                                       "geo",     "datetime", "text",  "uuid"};
constexpr std::array<std::string_view, 4> k_tokenizers{"word", "whitespace", "prefix",
                                                       "multilingual"};
constexpr std::array<std::string_view, 3> k_memory{"cold", "cached", "pinned"};
constexpr std::array<std::string_view, 30> k_stopword_languages{
    "arabic",   "azerbaijani", "basque",   "bengali",   "catalan",    "chinese",
    "danish",   "dutch",       "english",  "finnish",   "french",     "german",
    "greek",    "hebrew",      "hinglish", "hungarian", "indonesian", "italian",
    "japanese", "kazakh",      "nepali",   "norwegian", "portuguese", "romanian",
    "russian",  "slovene",     "spanish",  "swedish",   "tajik",      "turkish"};
constexpr std::array<std::string_view, 19> k_snowball_languages{
    "arabic",  "armenian", "danish",    "dutch",   "english",   "finnish",    "french",
    "german",  "greek",    "hungarian", "italian", "norwegian", "portuguese", "romanian",
    "russian", "spanish",  "swedish",   "tamil",   "turkish"};
constexpr std::array<std::string_view, 2> k_stemmer_types{"snowball", "none"};

enum class param_kind { boolean, count, tokenizer, memory, stopwords, stemmer };

constexpr unsigned bit(index_type t) {
  return 1U << static_cast<unsigned>(t);
}
constexpr unsigned k_all_types = bit(index_type::keyword) | bit(index_type::integer) |
                                 bit(index_type::float_) | bit(index_type::bool_) |
                                 bit(index_type::geo) | bit(index_type::datetime) |
                                 bit(index_type::text) | bit(index_type::uuid);

struct param_spec {
  std::string_view name;
  param_kind kind;
  unsigned types;           // bit(index_type) of every type that has this param
  std::string_view owners;  // the same, for the error message
  qdrant_version since;     // oldest Qdrant that knows the param ({0,0}: all we support)
};

// Qdrant 1.19's *IndexParams (a superset of Mixpeek's, whose names are the same), so a
// field_schema can use anything the Qdrant behind us accepts.
constexpr std::array<param_spec, 16> k_params{{
    {"on_disk", param_kind::boolean, k_all_types, "every type", {0, 0}},
    {"memory", param_kind::memory, k_all_types, "every type", {1, 19}},
    {"enable_hnsw", param_kind::boolean, k_all_types, "every type", {1, 17}},
    {"is_tenant",
     param_kind::boolean,
     bit(index_type::keyword) | bit(index_type::uuid),
     "keyword, uuid",
     {0, 0}},
    {"prefix", param_kind::boolean, bit(index_type::keyword), "keyword", {1, 19}},
    {"lookup", param_kind::boolean, bit(index_type::integer), "integer", {0, 0}},
    {"range", param_kind::boolean, bit(index_type::integer), "integer", {0, 0}},
    {"is_principal",
     param_kind::boolean,
     bit(index_type::integer) | bit(index_type::float_) | bit(index_type::datetime),
     "integer, float, datetime",
     {0, 0}},
    {"tokenizer", param_kind::tokenizer, bit(index_type::text), "text", {0, 0}},
    {"min_token_len", param_kind::count, bit(index_type::text), "text", {0, 0}},
    {"max_token_len", param_kind::count, bit(index_type::text), "text", {0, 0}},
    {"lowercase", param_kind::boolean, bit(index_type::text), "text", {0, 0}},
    {"ascii_folding", param_kind::boolean, bit(index_type::text), "text", {1, 16}},
    {"phrase_matching", param_kind::boolean, bit(index_type::text), "text", {0, 0}},
    {"stopwords", param_kind::stopwords, bit(index_type::text), "text", {0, 0}},
    {"stemmer", param_kind::stemmer, bit(index_type::text), "text", {1, 15}},
}};

const param_spec* find_param(std::string_view name) {
  for (const auto& p : k_params) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

void validate_stopwords(const value& v, const error_location& loc, jc::errors& out) {
  if (v.is_string()) {
    jc::as_enum(v, loc, out, k_stopword_languages);
    return;
  }
  const auto* set = v.if_object();
  if (set == nullptr) {
    jc::add(out, "value_error", loc,
            "Value error, stopwords must be a language name or "
            "{\"languages\": [...], \"custom\": [...]}");
    return;
  }
  if (const auto* languages = jc::non_null(*set, "languages")) {
    const auto lloc = jc::at(loc, "languages");
    if (const auto* list = jc::as_list(*languages, lloc, out)) {
      for (std::size_t i = 0; i < list->size(); ++i) {
        jc::as_enum((*list)[i], jc::at(lloc, static_cast<std::int64_t>(i)), out,
                    k_stopword_languages);
      }
    }
  }
  if (const auto* custom = jc::non_null(*set, "custom")) {
    const auto cloc = jc::at(loc, "custom");
    if (const auto* list = jc::as_list(*custom, cloc, out)) {
      for (std::size_t i = 0; i < list->size(); ++i) {
        jc::as_string((*list)[i], jc::at(cloc, static_cast<std::int64_t>(i)), out);
      }
    }
  }
  constexpr std::array<std::string_view, 2> known{"languages", "custom"};
  jc::reject_unknown_keys(*set, known, loc, out);
}

void validate_stemmer(const value& v, const error_location& loc, jc::errors& out) {
  const auto* stemmer = jc::as_model(v, loc, out);
  if (stemmer == nullptr) return;
  const auto* type = stemmer->if_contains("type");
  if (type == nullptr) {
    jc::add(out, "missing", jc::at(loc, "type"), "Field required");
    return;
  }
  const auto kind = jc::as_enum(*type, jc::at(loc, "type"), out, k_stemmer_types);
  if (kind == 0) {  // snowball
    if (const auto* language = stemmer->if_contains("language")) {
      jc::as_enum(*language, jc::at(loc, "language"), out, k_snowball_languages);
    } else {
      jc::add(out, "missing", jc::at(loc, "language"), "Field required");
    }
    constexpr std::array<std::string_view, 2> known{"type", "language"};
    jc::reject_unknown_keys(*stemmer, known, loc, out);
  } else if (kind == 1) {  // none
    constexpr std::array<std::string_view, 1> known{"type"};
    jc::reject_unknown_keys(*stemmer, known, loc, out);
  }
}

// field_schema without "type" and without null params: what a client actually set.
object set_params(const object& field_schema) {
  object params;
  for (const auto& [key, v] : field_schema) {
    if (key == "type" || v.is_null()) continue;
    params.emplace(key, v);
  }
  return params;
}

value sorted_string_array(const value& v) {
  const auto* a = v.if_array();
  if (a == nullptr) return v;
  std::vector<value> items(a->begin(), a->end());
  std::sort(items.begin(), items.end(), [](const value& x, const value& y) {
    const auto* xs = x.if_string();
    const auto* ys = y.if_string();
    if (xs == nullptr || ys == nullptr) return false;
    return std::string_view(*xs) < std::string_view(*ys);
  });
  items.erase(std::unique(items.begin(), items.end()), items.end());
  return boost::json::array(items.begin(), items.end());
}

// Params as Qdrant holds them, for comparisons: nulls dropped, integral floats as integers,
// the text tokenizer's serialized default filled in, stopword sets in sorted order. Qdrant
// deserializes both sides into the same struct, so these differences never rebuild an index.
object comparable_params(index_type type, const object& params) {
  object out;
  for (const auto& [key, v] : params) {
    if (key == "type" || v.is_null()) continue;
    if (const auto* d = v.if_double();
        d != nullptr && std::fabs(*d) < 9.0e18 && std::trunc(*d) == *d) {
      out.emplace(key, static_cast<std::int64_t>(*d));
    } else if (key == "stopwords" && v.is_object()) {
      object set;
      for (const auto& [k, member] : v.get_object()) {
        if (!member.is_null()) set.emplace(k, sorted_string_array(member));
      }
      out.emplace(key, std::move(set));
    } else if (key == "stemmer" && v.is_object()) {
      object stemmer;
      for (const auto& [k, member] : v.get_object()) {
        if (!member.is_null()) stemmer.emplace(k, member);
      }
      out.emplace(key, std::move(stemmer));
    } else {
      out.emplace(key, v);
    }
  }
  if (type == index_type::text && !out.contains("tokenizer")) out.emplace("tokenizer", "word");
  return out;
}

// The effective Qdrant schema in comparable form: the bare name, or the comparable params.
value comparable_schema(const payload_index_config& config) {
  if (!config.field_schema) return value(to_string(config.type));
  object params = set_params(*config.field_schema);
  if (params.empty()) return value(to_string(config.type));
  return comparable_params(config.type, params);
}

void validate_field_path(std::string_view field_name, const error_location& location,
                         std::vector<validation_error>& out) {
  if (const auto problem = check_qdrant_json_path(field_name)) {
    jc::add(out, "value_error", location,
            "Value error, not a field path Qdrant can parse: " + problem->what + " (" +
                std::string(k_qdrant_json_path_rule) + ")");
  }
}

}  // namespace

object to_api_json(const payload_index_config& config) {
  object out;
  out.emplace("field_name", config.field_name);
  out.emplace("type", to_string(config.type));
  if (config.field_schema) {
    out.emplace("field_schema", *config.field_schema);
  } else {
    out.emplace("field_schema", nullptr);
  }
  out.emplace("is_protected", config.is_protected);
  return out;
}

object to_storage_json(const payload_index_config& config) {
  object out = to_api_json(config);
  if (config.auto_created) {
    out.emplace("auto_created", object{{"at", format_rfc3339(config.auto_created->at)},
                                       {"trigger_count", config.auto_created->trigger_count}});
  }
  return out;
}

void validate_field_schema(index_type type, const object& field_schema,
                           const error_location& location, std::vector<validation_error>& out) {
  if (const auto* declared = field_schema.if_contains("type")) {
    const auto tloc = jc::at(location, "type");
    if (const auto name = jc::as_string(*declared, tloc, out)) {
      if (const auto parsed = parse_index_type(*name); !parsed) {
        jc::add(out, "enum", tloc, jc::enum_message(k_type_names));
      } else if (*parsed != type) {
        jc::add(out, "value_error", tloc,
                "Value error, field_schema.type '" + *name + "' does not match type '" +
                    std::string(to_string(type)) + "'");
      }
    }
  }
  for (const auto& [key, v] : field_schema) {
    if (key == "type") continue;
    const auto loc = jc::at(location, key);
    const auto* spec = find_param(key);
    if (spec == nullptr) {
      jc::add(out, "extra_forbidden", loc, "Extra inputs are not permitted");
      continue;
    }
    if ((spec->types & bit(type)) == 0) {
      jc::add(out, "extra_forbidden", loc,
              "Extra inputs are not permitted: '" + std::string(key) + "' is not a parameter of " +
                  std::string(to_string(type)) + " indexes (only " + std::string(spec->owners) +
                  ")");
      continue;
    }
    // Qdrant's params are nullable (null = not set), except the text tokenizer.
    if (v.is_null() && spec->kind != param_kind::tokenizer) continue;
    switch (spec->kind) {
      case param_kind::boolean:
        jc::as_bool(v, loc, out);
        break;
      case param_kind::count:
        jc::as_int(v, loc, out, 0, std::numeric_limits<std::int64_t>::max());
        break;
      case param_kind::tokenizer:
        jc::as_enum(v, loc, out, k_tokenizers);
        break;
      case param_kind::memory:
        jc::as_enum(v, loc, out, k_memory);
        break;
      case param_kind::stopwords:
        validate_stopwords(v, loc, out);
        break;
      case param_kind::stemmer:
        validate_stemmer(v, loc, out);
        break;
    }
  }

  if (type == index_type::text) {
    const auto* min = jc::non_null(field_schema, "min_token_len");
    const auto* max = jc::non_null(field_schema, "max_token_len");
    if (min != nullptr && max != nullptr) {
      jc::errors ignored;
      const auto lo = jc::as_int(*min, {}, ignored);
      const auto hi = jc::as_int(*max, {}, ignored);
      if (lo && hi && *lo > *hi) {
        jc::add(out, "value_error", location,
                "Value error, min_token_len (" + std::to_string(*lo) +
                    ") must not exceed max_token_len (" + std::to_string(*hi) + ")");
      }
    }
  }
  if (type == index_type::integer) {
    const auto* lookup = jc::non_null(field_schema, "lookup");
    const auto* range = jc::non_null(field_schema, "range");
    if (lookup != nullptr && range != nullptr && lookup->is_bool() && range->is_bool() &&
        !lookup->get_bool() && !range->get_bool()) {
      jc::add(out, "value_error", location,
              "Value error, lookup and range cannot both be false: the index would serve no "
              "filter");
    }
  }
}

std::optional<payload_index_config> parse_payload_index_config(const value& v,
                                                               const error_location& location,
                                                               std::vector<validation_error>& out,
                                                               json_source source) {
  const auto* o = jc::as_model(v, location, out);
  if (o == nullptr) return std::nullopt;
  const std::size_t errors_before = out.size();
  payload_index_config config;

  if (const auto* name = o->if_contains("field_name")) {
    const auto name_loc = jc::at(location, "field_name");
    if (auto s = jc::as_string(*name, name_loc, out, 1, 255)) {
      // A client's path must be one Qdrant parses, or a PATCH would fail half-applied at Qdrant;
      // a stored one was checked when it was sent (or predates the check) and must still load.
      if (source == json_source::request) validate_field_path(*s, name_loc, out);
      config.field_name = std::move(*s);
    }
  } else {
    jc::add(out, "missing", jc::at(location, "field_name"), "Field required");
  }

  bool type_ok = false;
  if (const auto* type = o->if_contains("type")) {
    if (const auto i = jc::as_enum(*type, jc::at(location, "type"), out, k_type_names)) {
      config.type = *parse_index_type(k_type_names[*i]);
      type_ok = true;
    }
  } else {
    jc::add(out, "missing", jc::at(location, "type"), "Field required");
  }

  if (const auto* schema = jc::non_null(*o, "field_schema")) {
    const auto sloc = jc::at(location, "field_schema");
    if (const auto* params = jc::as_model(*schema, sloc, out)) {
      if (type_ok) validate_field_schema(config.type, *params, sloc, out);
      config.field_schema = *params;
    }
  }

  if (const auto* is_protected = o->if_contains("is_protected")) {
    if (const auto b = jc::as_bool(*is_protected, jc::at(location, "is_protected"), out)) {
      config.is_protected = *b;
    }
  }

  if (const auto* description = jc::non_null(*o, "description")) {
    jc::as_string(*description, jc::at(location, "description"), out);
  }

  if (source == json_source::stored) {
    if (const auto* info = jc::non_null(*o, "auto_created")) {
      const auto iloc = jc::at(location, "auto_created");
      if (const auto* io = jc::as_model(*info, iloc, out)) {
        auto_created_info created;
        if (const auto* at = io->if_contains("at")) {
          if (const auto s = jc::as_string(*at, jc::at(iloc, "at"), out)) {
            if (const auto t = parse_rfc3339(*s)) {
              created.at = *t;
            } else {
              jc::add(out, "datetime_parsing", jc::at(iloc, "at"),
                      "Input should be a valid datetime");
            }
          }
        } else {
          jc::add(out, "missing", jc::at(iloc, "at"), "Field required");
        }
        if (const auto* count = io->if_contains("trigger_count")) {
          if (const auto n = jc::as_int(*count, jc::at(iloc, "trigger_count"), out)) {
            created.trigger_count = *n;
          }
        }
        config.auto_created = created;
      }
    }
  }

  if (source == json_source::request) {
    static constexpr std::array<std::string_view, 5> k_request_keys{
        "field_name", "type", "field_schema", "is_protected", "description"};
    jc::reject_unknown_keys(*o, k_request_keys, location, out);
  }

  if (out.size() != errors_before) return std::nullopt;
  return config;
}

std::optional<std::vector<payload_index_config>> parse_payload_index_list(
    const value& v, const error_location& location, std::vector<validation_error>& out,
    json_source source) {
  const auto* list = jc::as_list(v, location, out);
  if (list == nullptr) return std::nullopt;
  const std::size_t errors_before = out.size();
  std::vector<payload_index_config> configs;
  std::map<std::string, std::size_t, std::less<>> first_seen;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const auto item_loc = jc::at(location, static_cast<std::int64_t>(i));
    auto config = parse_payload_index_config((*list)[i], item_loc, out, source);
    if (!config) continue;
    if (const auto [it, inserted] = first_seen.emplace(config->field_name, i); !inserted) {
      jc::add(out, "value_error", jc::at(item_loc, "field_name"),
              "Value error, duplicate field_name '" + config->field_name + "' (first at index " +
                  std::to_string(it->second) + ")");
      continue;
    }
    configs.push_back(std::move(*config));
  }
  if (out.size() != errors_before) return std::nullopt;
  return configs;
}

value qdrant_field_schema(const payload_index_config& config) {
  const std::string_view name = to_string(config.type);
  if (!config.field_schema) return value(name);
  object params = set_params(*config.field_schema);
  if (params.empty()) return value(name);
  object schema;
  schema.reserve(params.size() + 1);
  schema.emplace("type", name);
  for (auto& [key, v] : params)
    schema.emplace(key, std::move(v));
  return schema;
}

bool qdrant_schema_matches(const payload_index_config& config, const value& payload_schema_entry) {
  const auto* entry = payload_schema_entry.if_object();
  if (entry == nullptr) return false;
  const auto* data_type = entry->if_contains("data_type");
  if (data_type == nullptr || !data_type->is_string() ||
      std::string_view(data_type->get_string()) != to_string(config.type)) {
    return false;
  }
  const value ours = comparable_schema(config);
  const auto* params = jc::non_null(*entry, "params");
  if (ours.is_string()) return params == nullptr;
  if (params == nullptr || !params->is_object()) return false;
  return comparable_params(config.type, params->get_object()) == ours;
}

bool same_index_definition(const payload_index_config& a, const payload_index_config& b) {
  return a.field_name == b.field_name && a.type == b.type &&
         comparable_schema(a) == comparable_schema(b);
}

qdrant_version minimum_qdrant_version(const payload_index_config& config) {
  qdrant_version needed{0, 0};
  if (!config.field_schema) return needed;
  for (const auto& [key, v] : *config.field_schema) {
    if (v.is_null()) continue;
    if (const auto* spec = find_param(key)) needed = std::max(needed, spec->since);
  }
  return needed;
}

}  // namespace index_optimizer
