#pragma once

#include <boost/json/value.hpp>

#include <string>
#include <string_view>
#include <variant>

// How Qdrant 1.19 reads the `field_schema` of `PUT /collections/{c}/index` and what it shows back
// in `payload_schema`. Pure functions, so the fake's validation can be reasoned about without a
// socket.
namespace index_optimizer::testing::fake {

// A request Qdrant refuses: `status` is 400 for a body serde cannot deserialise, 422 for one the
// validator rejects (e.g. an integer index with both `lookup` and `range` false).
struct field_schema_error {
  unsigned status = 400;
  std::string message;  // the full `status.error` text, e.g. "Format error in JSON body: ..."
};

// A field schema after deserialisation. Qdrant re-serialises the parsed struct, not the request
// text: unknown keys vanish, some absent options come back as null (integer `lookup`/`range`/
// `is_principal`, float/datetime `is_principal`), text gets `tokenizer: "word"`. `normalized` is
// that form; it is what `payload_schema[f].params` shows and what re-sends are compared by.
struct parsed_field_schema {
  std::string data_type;          // one of PayloadSchemaType: keyword, integer, float, ...
  bool object_form = false;       // sent as a params object (vs the bare type name)
  boost::json::value normalized;  // the type string, or the params object as Qdrant stores it

  bool operator==(const parsed_field_schema& other) const {
    return object_form == other.object_form && normalized == other.normalized;
  }
};

using field_schema_result = std::variant<parsed_field_schema, field_schema_error>;

// Parses a non-null `field_schema` value (a PayloadSchemaType name or a PayloadSchemaParams
// object). Callers handle absent/null themselves: Qdrant answers that with its own 400.
field_schema_result parse_field_schema(const boost::json::value& field_schema);

}  // namespace index_optimizer::testing::fake
