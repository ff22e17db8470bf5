#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace index_optimizer {

// Where in the request a value failed, FastAPI style: ["body", "payload_indexes", 0, "type"].
using error_location = std::vector<std::variant<std::string, std::int64_t>>;

// One field error in the shape Mixpeek normalises FastAPI/Pydantic errors to:
// {"type": "string_type", "location": ["body", "namespace_name"], "message": "..."}.
// `type` uses Pydantic's error names so clients written against Mixpeek can switch on them.
struct validation_error {
  std::string type;
  error_location location;
  std::string message;

  friend bool operator==(const validation_error&, const validation_error&) = default;
};

// For readable gtest failures and logs.
std::ostream& operator<<(std::ostream& out, const validation_error& error);

boost::json::object to_json(const validation_error& error);
boost::json::array to_json(const std::vector<validation_error>& errors);

// Mixpeek's error envelope for every non-2xx answer:
// {"success": false, "status": N, "error": {"message", "type", "details"}}.
boost::json::object error_envelope(int status, std::string_view type, std::string_view message,
                                   boost::json::value details = nullptr);

// The 422 envelope: details = {"validation_errors": [...]}, as Mixpeek's server rewrites FastAPI's
// {"detail": [...]}.
boost::json::object validation_error_envelope(const std::vector<validation_error>& errors);

// Either a validated value or the full list of field errors (never both, never an empty list).
template <class T>
class validation_result {
 public:
  validation_result(T value) : state_(std::in_place_index<0>, std::move(value)) {}
  validation_result(std::vector<validation_error> errors)
      : state_(std::in_place_index<1>, std::move(errors)) {}

  bool ok() const noexcept { return state_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  const std::vector<validation_error>& errors() const { return std::get<1>(state_); }

 private:
  std::variant<T, std::vector<validation_error>> state_;
};

}  // namespace index_optimizer
