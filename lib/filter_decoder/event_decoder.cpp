#include "filter_decoder/event_decoder.hpp"

#include <boost/json/error.hpp>
#include <charconv>
#include <cmath>
#include <memory>

#include "filter_decoder/filter_shape.hpp"
#include "filter_decoder/json_sample.hpp"
#include "filter_decoder/json_tape.hpp"
#include "filter_decoder/value_types.hpp"
#include "filter_decoder/walk_context.hpp"

namespace index_optimizer {
namespace {

namespace json = boost::json;

constexpr std::size_t k_max_spare_paths = 64;

decode_failure failure(decode_reason reason, std::string message) {
  return decode_failure{reason, std::move(message)};
}

boost::json::parse_options parse_options_for(const decode_limits& limits) {
  boost::json::parse_options options;
  options.max_depth = limits.max_depth;
  return options;
}

// `ts`: unix milliseconds as a plain non-negative decimal integer.
std::optional<std::int64_t> parse_timestamp(std::string_view text) noexcept {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

// `latency_ms`: a finite non-negative decimal number.
std::optional<double> parse_latency(std::string_view text) noexcept {
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size() || !std::isfinite(value) ||
      value < 0) {
    return std::nullopt;
  }
  return value;
}

// The entry fields of the contract, each at most once.
struct contract_fields {
  std::optional<std::string_view> namespace_ref;
  std::optional<std::string_view> filter;
  std::optional<std::string_view> fields;
  std::optional<std::string_view> ts;
  std::optional<std::string_view> latency_ms;
};

std::optional<decode_failure> collect(std::span<const entry_field> entry, contract_fields& out) {
  for (const auto& [name, value] : entry) {
    std::optional<std::string_view>* slot = nullptr;
    if (name == "namespace") {
      slot = &out.namespace_ref;
    } else if (name == "filter") {
      slot = &out.filter;
    } else if (name == "fields") {
      slot = &out.fields;
    } else if (name == "ts") {
      slot = &out.ts;
    } else if (name == "latency_ms") {
      slot = &out.latency_ms;
    } else {
      continue;
    }
    if (slot->has_value()) {
      return failure(decode_reason::duplicate_entry_field,
                     "the entry has the field " + filter_walk::quoted(name) +
                         " more than once; send each contract field once");
    }
    *slot = value;
  }
  return std::nullopt;
}

}  // namespace

event_decoder::event_decoder(const decode_limits& limits)
    : limits_(limits),
      document_(std::make_unique<json_tape::document>(parse_options_for(limits))) {}

event_decoder::~event_decoder() = default;

std::optional<decode_failure> event_decoder::decode_json(std::string_view text, bool is_field_list,
                                                         filter_dialect& dialect,
                                                         std::vector<field_observation>& fields) {
  const std::string_view what = is_field_list ? "fields" : "filter";
  // Kept up to a bound: a caller handing in a different, full vector each time must not grow it.
  for (auto& field : fields) {
    if (spare_paths_.size() < k_max_spare_paths) spare_paths_.push_back(std::move(field.path));
  }
  fields.clear();
  dialect = is_field_list ? filter_dialect::field_list : filter_dialect::empty;
  if (text.size() > limits_.max_value_bytes) {
    return failure(decode_reason::too_large,
                   "the " + std::string(what) + " value is " + std::to_string(text.size()) +
                       " bytes; the limit is " + std::to_string(limits_.max_value_bytes));
  }

  std::optional<decode_failure> result;
  boost::system::error_code error;
  const json_tape::value* parsed = document_->parse(text, error);
  if (error == json::error::too_deep) {
    result =
        failure(decode_reason::too_deep, "the " + std::string(what) + " value nests deeper than " +
                                             std::to_string(limits_.max_depth) + " levels");
  } else if (error) {
    result = failure(decode_reason::invalid_json,
                     "the " + std::string(what) + " value is not valid JSON: " + error.message());
  } else {
    filter_walk::walk_context context(limits_, fields, &spare_paths_);
    const bool ok = is_field_list ? filter_walk::walk_field_list(*parsed, context)
                                  : filter_walk::walk_filter(*parsed, context, dialect);
    if (!ok) result = context.take_failure();
  }
  return result;
}

std::optional<decode_failure> event_decoder::decode(std::span<const entry_field> entry,
                                                    std::int64_t entry_id_ms, decoded_event& out) {
  contract_fields fields;
  if (auto duplicate = collect(entry, fields)) return duplicate;

  if (!fields.namespace_ref || fields.namespace_ref->empty()) {
    return failure(decode_reason::missing_namespace,
                   "the entry has no `namespace` field (a namespace id ns_... or name)");
  }
  if (fields.namespace_ref->size() > limits_.max_namespace_bytes ||
      has_control_character(*fields.namespace_ref)) {
    return failure(decode_reason::invalid_namespace,
                   "namespace " + filter_walk::quoted(*fields.namespace_ref) + " is longer than " +
                       std::to_string(limits_.max_namespace_bytes) +
                       " bytes or contains a control character");
  }
  if (fields.filter && fields.fields) {
    return failure(decode_reason::both_filter_and_fields,
                   "the entry has both `filter` and `fields`; send exactly one");
  }
  if (!fields.filter && !fields.fields) {
    return failure(decode_reason::missing_filter,
                   "the entry has neither `filter` (a Qdrant or Mixpeek filter) nor `fields`");
  }

  std::int64_t ts_ms = entry_id_ms;
  if (fields.ts) {
    const auto parsed = parse_timestamp(*fields.ts);
    if (!parsed) {
      return failure(decode_reason::invalid_timestamp,
                     "ts " + filter_walk::quoted(*fields.ts) +
                         " is not a non-negative integer of unix milliseconds");
    }
    ts_ms = *parsed;
  }
  std::optional<double> latency_ms;
  if (fields.latency_ms) {
    latency_ms = parse_latency(*fields.latency_ms);
    if (!latency_ms) {
      return failure(decode_reason::invalid_latency, "latency_ms " +
                                                         filter_walk::quoted(*fields.latency_ms) +
                                                         " is not a finite non-negative number");
    }
  }

  const bool is_field_list = fields.fields.has_value();
  const std::string_view text = is_field_list ? *fields.fields : *fields.filter;
  if (auto failed = decode_json(text, is_field_list, out.dialect, out.fields)) return failed;

  out.namespace_ref.assign(*fields.namespace_ref);
  out.ts_ms = ts_ms;
  out.latency_ms = latency_ms;
  if (limits_.max_sample_bytes == 0) {  // the consumer compacts the few samples it sends itself
    out.sample_filter.clear();
    out.sample_truncated = !text.empty();
  } else {
    out.sample_truncated = compact_json_sample(text, limits_.max_sample_bytes, out.sample_filter);
  }
  return std::nullopt;
}

std::optional<decode_failure> event_decoder::decode_filter(std::string_view filter_json,
                                                           decoded_filter& out) {
  return decode_json(filter_json, false, out.dialect, out.fields);
}

std::optional<decode_failure> event_decoder::decode_fields(std::string_view fields_json,
                                                           decoded_filter& out) {
  return decode_json(fields_json, true, out.dialect, out.fields);
}

namespace {

// Runs one decode on a temporary decoder, heap-allocated because its buffers are too big for a
// small thread stack.
template <typename Result, typename Decode>
std::variant<Result, decode_failure> decode_once(const decode_limits& limits, Decode decode) {
  const auto decoder = std::make_unique<event_decoder>(limits);
  Result result;
  if (auto failed = decode(*decoder, result)) return std::move(*failed);
  return result;
}

}  // namespace

std::variant<decoded_event, decode_failure> decode_event(std::span<const entry_field> entry,
                                                         std::int64_t entry_id_ms,
                                                         const decode_limits& limits) {
  return decode_once<decoded_event>(limits, [&](event_decoder& decoder, decoded_event& out) {
    return decoder.decode(entry, entry_id_ms, out);
  });
}

std::variant<decoded_filter, decode_failure> decode_filter(std::string_view filter_json,
                                                           const decode_limits& limits) {
  return decode_once<decoded_filter>(limits, [&](event_decoder& decoder, decoded_filter& out) {
    return decoder.decode_filter(filter_json, out);
  });
}

std::variant<decoded_filter, decode_failure> decode_fields(std::string_view fields_json,
                                                           const decode_limits& limits) {
  return decode_once<decoded_filter>(limits, [&](event_decoder& decoder, decoded_filter& out) {
    return decoder.decode_fields(fields_json, out);
  });
}

}  // namespace index_optimizer
