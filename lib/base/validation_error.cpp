#include "base/validation_error.hpp"

#include <boost/json/serialize.hpp>

#include <ostream>

namespace index_optimizer {

boost::json::object to_json(const validation_error& error) {
  boost::json::array location;
  for (const auto& part : error.location) {
    std::visit([&](const auto& p) { location.emplace_back(p); }, part);
  }
  return {{"type", error.type}, {"location", std::move(location)}, {"message", error.message}};
}

boost::json::array to_json(const std::vector<validation_error>& errors) {
  boost::json::array out;
  out.reserve(errors.size());
  for (const auto& e : errors)
    out.emplace_back(to_json(e));
  return out;
}

std::ostream& operator<<(std::ostream& out, const validation_error& error) {
  return out << boost::json::serialize(to_json(error));
}

boost::json::object error_envelope(int status, std::string_view type, std::string_view message,
                                   boost::json::value details) {
  return {{"success", false},
          {"status", status},
          {"error", {{"message", message}, {"type", type}, {"details", std::move(details)}}}};
}

boost::json::object validation_error_envelope(const std::vector<validation_error>& errors) {
  return error_envelope(422, "ValidationError", "Request validation failed",
                        boost::json::object{{"validation_errors", to_json(errors)}});
}

}  // namespace index_optimizer
