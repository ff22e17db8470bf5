#pragma once

// Shared by the namespace_model unit tests and the namespace API integration tests: JSON
// literals and error-location shorthands.

#include "base/validation_error.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace index_optimizer::testing {

// CreateNamespaceRequest assembled from the spec's field examples.
inline constexpr std::string_view k_spec_create = R"({
  "namespace_name": "spotify_playlists_dev",
  "description": "This namespace contains playlists from Spotify",
  "feature_extractors": [
    {"feature_extractor_id": "multimodal_extractor_v1",
     "feature_extractor_name": "multimodal_extractor", "version": "v1"},
    {"feature_extractor_id": "image_extractor_v1", "feature_extractor_name": "image_extractor",
     "params": {"model": "siglip_base"}, "version": "v1"}
  ],
  "payload_indexes": [
    {"field_name": "metadata.title",
     "field_schema": {"lowercase": true, "max_token_len": 15, "min_token_len": 2,
                      "tokenizer": "word", "type": "text"},
     "is_protected": false, "type": "text"},
    {"field_name": "metadata.description", "field_schema": {"is_tenant": true, "type": "keyword"},
     "is_protected": false, "type": "keyword"}
  ],
  "auto_create_indexes": true
})";

inline boost::json::value json(std::string_view text) {
  return boost::json::parse(text);
}

using location_part = std::variant<std::string, std::int64_t>;

inline error_location loc(std::initializer_list<location_part> parts) {
  return error_location(parts.begin(), parts.end());
}

inline location_part idx(std::int64_t i) {
  return location_part(i);
}

}  // namespace index_optimizer::testing
