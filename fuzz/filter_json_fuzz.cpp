// Fuzz target: the input as a `filter` value (either dialect) and as a `fields` value, through
// event_decoder::decode_filter / decode_fields, plus the compact sample on its own.

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <variant>

#include <boost/json/parse.hpp>

#include "filter_decoder/event_decoder.hpp"
#include "filter_decoder/json_sample.hpp"
#include "filter_invariants.hpp"
#include "fuzz_entry_points.hpp"
#include "text/utf8_text.hpp"

namespace index_optimizer::fuzz {
namespace {

using decode_member = std::optional<decode_failure> (event_decoder::*)(std::string_view,
                                                                       decoded_filter&);
using decode_once = std::variant<decoded_filter, decode_failure> (*)(std::string_view,
                                                                     const decode_limits&);

void check_one(event_decoder& decoder, event_decoder& small_decoder, decode_member decode,
               decode_once fresh, std::string_view text, bool is_field_list) {
  const bool utf8 = is_valid_utf8(text);
  decoded_filter out;
  const auto failed = (decoder.*decode)(text, out);
  const auto once = fresh(text, decoder.limits());
  if (failed) {
    check_failure(*failed, once, utf8);
  } else {
    check_fields(out.fields, decoder.limits(), out.dialect);
    require(is_field_list == (out.dialect == filter_dialect::field_list),
            "the dialect does not match the entry field the value came in");
    require(std::holds_alternative<decoded_filter>(once) &&
                std::get<decoded_filter>(once).fields == out.fields &&
                std::get<decoded_filter>(once).dialect == out.dialect,
            "a reused decoder and a fresh one disagree (success)");
  }

  decoded_filter small;
  if (const auto small_failed = (small_decoder.*decode)(text, small)) {
    check_failure(*small_failed, utf8);
    return;
  }
  check_fields(small.fields, small_decoder.limits(), small.dialect);
  require(!failed && small.fields == out.fields && small.dialect == out.dialect,
          "a value within the small limits decodes differently under the defaults");
}

void check_samples(std::string_view text) {
  boost::system::error_code error;
  boost::json::parse(text, error);
  if (error) return;  // compact_json_sample is defined for valid JSON only
  std::string sample;
  for (const std::size_t max_bytes :
       {std::size_t{0}, std::size_t{1}, std::size_t{3}, std::size_t{16}, text.size() / 2,
        std::numeric_limits<std::size_t>::max()}) {
    const bool truncated = compact_json_sample(text, max_bytes, sample);
    check_sample(text, sample, truncated, max_bytes);
  }
}

}  // namespace

void filter_json(input data) {
  static const auto decoder = std::make_unique<event_decoder>();
  static const auto small_decoder = std::make_unique<event_decoder>(small_limits());
  const auto text = as_text(data);
  check_one(*decoder, *small_decoder, &event_decoder::decode_filter, &decode_filter, text, false);
  check_one(*decoder, *small_decoder, &event_decoder::decode_fields, &decode_fields, text, true);
  check_samples(text);
}

}  // namespace index_optimizer::fuzz

INDEX_OPTIMIZER_FUZZ_TARGET(filter_json)
