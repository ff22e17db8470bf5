#include "fakes/qdrant_field_schema.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <algorithm>
#include <array>
#include <optional>
#include <set>
#include <utility>
#include <vector>

namespace index_optimizer::testing::fake {
namespace {

namespace json = boost::json;

// serde reports any mismatch inside an untagged enum with this one sentence, whatever the cause.
constexpr std::string_view untagged_mismatch =
    "Format error in JSON body: data did not match any variant of untagged enum "
    "PayloadFieldSchema";

constexpr std::array<std::string_view, 8> schema_types = {"keyword", "integer", "float",    "geo",
                                                          "text",    "bool",    "datetime", "uuid"};

constexpr std::array<std::string_view, 30> stopword_languages = {
    "arabic",   "azerbaijani", "basque",   "bengali",   "catalan",    "chinese",
    "danish",   "dutch",       "english",  "finnish",   "french",     "german",
    "greek",    "hebrew",      "hinglish", "hungarian", "indonesian", "italian",
    "japanese", "kazakh",      "nepali",   "norwegian", "portuguese", "romanian",
    "russian",  "slovene",     "spanish",  "swedish",   "tajik",      "turkish"};

constexpr std::array<std::string_view, 19> snowball_languages = {
    "arabic",  "armenian", "danish",    "dutch",   "english",   "finnish",    "french",
    "german",  "greek",    "hungarian", "italian", "norwegian", "portuguese", "romanian",
    "russian", "spanish",  "swedish",   "tamil",   "turkish"};

template <std::size_t N>
bool one_of(const std::array<std::string_view, N>& names, std::string_view value) {
  return std::find(names.begin(), names.end(), value) != names.end();
}

// How one params key deserialises and re-serialises.
enum class key_kind {
  optional_bool,        // Option<bool>, omitted when None
  optional_bool_shown,  // Option<bool> without skip_serializing_if: None comes back as null
  optional_uint,        // Option<usize>, omitted when None
  optional_memory,      // Option<Memory>: cold | cached | pinned
  tokenizer,            // TokenizerType with #[serde(default)]: always shown, "word" by default
  optional_stopwords,   // Option<StopwordsInterface>
  optional_stemmer,     // Option<StemmingAlgorithm>
};

struct params_key {
  std::string_view name;
  key_kind kind;
};

// Keys per params struct in Qdrant's declaration order (serialisation order).
std::vector<params_key> keys_of(std::string_view type) {
  using k = key_kind;
  const params_key on_disk{"on_disk", k::optional_bool};
  const params_key memory{"memory", k::optional_memory};
  const params_key enable_hnsw{"enable_hnsw", k::optional_bool};
  if (type == "keyword") {
    return {{"is_tenant", k::optional_bool},
            on_disk,
            memory,
            enable_hnsw,
            {"prefix", k::optional_bool}};
  }
  if (type == "integer") {
    return {{"lookup", k::optional_bool_shown},
            {"range", k::optional_bool_shown},
            {"is_principal", k::optional_bool_shown},
            on_disk,
            memory,
            enable_hnsw};
  }
  if (type == "float" || type == "datetime") {
    return {{"is_principal", k::optional_bool_shown}, on_disk, memory, enable_hnsw};
  }
  if (type == "uuid") return {{"is_tenant", k::optional_bool}, on_disk, memory, enable_hnsw};
  if (type == "text") {
    return {{"tokenizer", k::tokenizer},
            {"min_token_len", k::optional_uint},
            {"max_token_len", k::optional_uint},
            {"lowercase", k::optional_bool},
            {"ascii_folding", k::optional_bool},
            {"phrase_matching", k::optional_bool},
            {"stopwords", k::optional_stopwords},
            on_disk,
            memory,
            {"stemmer", k::optional_stemmer},
            enable_hnsw};
  }
  return {on_disk, memory, enable_hnsw};  // geo, bool
}

std::optional<json::value> normalize_stopwords(const json::value& v) {
  if (v.is_string()) {
    if (!one_of(stopword_languages, v.get_string())) return std::nullopt;
    return v;
  }
  if (!v.is_object()) return std::nullopt;
  json::object out;
  const auto& obj = v.get_object();
  // StopwordsSet holds BTreeSets: duplicates collapse and the output is sorted.
  if (const auto* langs = obj.if_contains("languages"); langs != nullptr && !langs->is_null()) {
    if (!langs->is_array()) return std::nullopt;
    std::set<std::string> sorted;
    for (const auto& lang : langs->get_array()) {
      if (!lang.is_string() || !one_of(stopword_languages, lang.get_string())) return std::nullopt;
      sorted.emplace(lang.get_string());
    }
    json::array arr;
    for (const auto& s : sorted)
      arr.emplace_back(s);
    out["languages"] = std::move(arr);
  }
  if (const auto* custom = obj.if_contains("custom"); custom != nullptr && !custom->is_null()) {
    if (!custom->is_array()) return std::nullopt;
    std::set<std::string> sorted;
    for (const auto& word : custom->get_array()) {
      if (!word.is_string()) return std::nullopt;
      sorted.emplace(word.get_string());
    }
    json::array arr;
    for (const auto& s : sorted)
      arr.emplace_back(s);
    out["custom"] = std::move(arr);
  }
  return json::value(std::move(out));
}

std::optional<json::value> normalize_stemmer(const json::value& v) {
  if (!v.is_object()) return std::nullopt;
  const auto& obj = v.get_object();
  const auto* type = obj.if_contains("type");
  if (type == nullptr || !type->is_string()) return std::nullopt;
  if (type->get_string() == "snowball") {
    const auto* lang = obj.if_contains("language");
    if (lang == nullptr || !lang->is_string() || !one_of(snowball_languages, lang->get_string())) {
      return std::nullopt;
    }
    return json::value(json::object{{"type", "snowball"}, {"language", *lang}});
  }
  if (type->get_string() == "none") return json::value(json::object{{"type", "none"}});
  return std::nullopt;
}

// One key after deserialisation: `valid` false = serde rejects the request; `present` false =
// the key is left out of the stored form.
struct key_outcome {
  bool valid = true;
  bool present = false;
  json::value value;
};

key_outcome normalize_key(key_kind kind, const json::value* v) {
  const bool absent = v == nullptr || v->is_null();
  switch (kind) {
    case key_kind::optional_bool:
      if (absent) return {};
      if (!v->is_bool()) return {false, false, {}};
      return {true, true, *v};
    case key_kind::optional_bool_shown:
      if (absent) return {true, true, nullptr};
      if (!v->is_bool()) return {false, false, {}};
      return {true, true, *v};
    case key_kind::optional_uint:
      if (absent) return {};
      if (v->is_uint64()) return {true, true, *v};
      if (v->is_int64() && v->get_int64() >= 0) {
        return {true, true, json::value(static_cast<std::uint64_t>(v->get_int64()))};
      }
      return {false, false, {}};
    case key_kind::optional_memory:
      if (absent) return {};
      if (!v->is_string()) return {false, false, {}};
      if (v->get_string() != "cold" && v->get_string() != "cached" && v->get_string() != "pinned") {
        return {false, false, {}};
      }
      return {true, true, *v};
    case key_kind::tokenizer:
      // Not an Option: a missing key takes the default, an explicit null is a type error.
      if (v == nullptr) return {true, true, "word"};
      if (!v->is_string()) return {false, false, {}};
      if (v->get_string() != "prefix" && v->get_string() != "whitespace" &&
          v->get_string() != "word" && v->get_string() != "multilingual") {
        return {false, false, {}};
      }
      return {true, true, *v};
    case key_kind::optional_stopwords: {
      if (absent) return {};
      auto normalized = normalize_stopwords(*v);
      if (!normalized) return {false, false, {}};
      return {true, true, std::move(*normalized)};
    }
    case key_kind::optional_stemmer: {
      if (absent) return {};
      auto normalized = normalize_stemmer(*v);
      if (!normalized) return {false, false, {}};
      return {true, true, std::move(*normalized)};
    }
  }
  return {false, false, {}};
}

field_schema_error format_error() {
  return {400, std::string(untagged_mismatch)};
}

}  // namespace

field_schema_result parse_field_schema(const json::value& field_schema) {
  if (field_schema.is_string()) {
    const std::string_view name = field_schema.get_string();
    if (!one_of(schema_types, name)) return format_error();
    return parsed_field_schema{std::string(name), false, json::value(name)};
  }
  if (!field_schema.is_object()) return format_error();

  const auto& obj = field_schema.get_object();
  const auto* type = obj.if_contains("type");
  if (type == nullptr || !type->is_string() || !one_of(schema_types, type->get_string())) {
    return format_error();
  }
  const std::string data_type(type->get_string());
  json::object normalized;
  normalized["type"] = data_type;
  for (const auto& key : keys_of(data_type)) {
    auto outcome = normalize_key(key.kind, obj.if_contains(key.name));
    if (!outcome.valid) return format_error();
    if (outcome.present) normalized[key.name] = std::move(outcome.value);
  }

  // The one rule Qdrant's validator (not serde) enforces on index params: answered with 422.
  if (data_type == "integer") {
    const auto& lookup = normalized.at("lookup");
    const auto& range = normalized.at("range");
    if (lookup.is_bool() && !lookup.get_bool() && range.is_bool() && !range.get_bool()) {
      return field_schema_error{
          422,
          "Validation error in JSON body: [field_schema.lookup: the 'lookup' and 'range' "
          "capabilities can't be both disabled]"};
    }
  }
  return parsed_field_schema{data_type, true, json::value(std::move(normalized))};
}

}  // namespace index_optimizer::testing::fake
