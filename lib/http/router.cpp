#include "http/router.hpp"

#include "text/percent_encoding.hpp"
#include "text/utf8_text.hpp"

#include <stdexcept>

namespace index_optimizer::http {
namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  size_t start = 1;  // skip the leading '/'
  while (start <= path.size()) {
    const size_t end = path.find('/', start);
    const size_t stop = end == std::string_view::npos ? path.size() : end;
    out.push_back(path.substr(start, stop - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return out;
}

bool is_parameter(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

std::optional<parsed_target> parse_target(std::string_view target) {
  if (target.empty() || target.front() != '/') return std::nullopt;
  parsed_target out;
  const size_t q = target.find('?');
  const std::string_view raw_path = target.substr(0, q);
  // Segments are decoded one by one, so an encoded '/' (%2F) stays inside its segment instead of
  // splitting the path: "/v1/namespaces/a%2Fb" names the namespace "a/b", which the handler
  // rejects.
  for (const auto raw_segment : split_path(raw_path)) {
    auto decoded = percent_decode(raw_segment, false);
    // Identifiers are echoed into JSON answers; bytes that are not UTF-8 are a malformed target.
    if (!decoded || !is_valid_utf8(*decoded)) return std::nullopt;
    out.segments.push_back(std::move(*decoded));
  }
  auto decoded_path = percent_decode(raw_path, false);
  if (!decoded_path) return std::nullopt;
  out.path = std::move(*decoded_path);
  if (q != std::string_view::npos) {
    std::string_view query = target.substr(q + 1);
    while (!query.empty()) {
      const size_t amp = query.find('&');
      const std::string_view pair = query.substr(0, amp);
      if (!pair.empty()) {
        const size_t eq = pair.find('=');
        auto key = percent_decode(pair.substr(0, eq), true);
        auto value = percent_decode(
            eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1), true);
        if (!key || !value || !is_valid_utf8(*key) || !is_valid_utf8(*value)) return std::nullopt;
        out.query[std::move(*key)] = std::move(*value);
      }
      if (amp == std::string_view::npos) break;
      query.remove_prefix(amp + 1);
    }
  }
  return out;
}

void router::add(route r) {
  if (r.path_template.empty() || r.path_template.front() != '/') {
    throw std::invalid_argument("route template must start with '/': " + r.path_template);
  }
  compiled c;
  for (const auto segment : split_path(r.path_template)) {
    if (segment.find_first_of("{}") != std::string_view::npos && !is_parameter(segment)) {
      throw std::invalid_argument("malformed parameter in route template: " + r.path_template);
    }
    c.segments.emplace_back(segment);
  }
  for (const auto& existing : routes_) {
    if (existing.method == r.method && existing.path_template == r.path_template) {
      throw std::invalid_argument("duplicate route: " + r.path_template);
    }
  }
  routes_.push_back(std::move(r));
  compiled_.push_back(std::move(c));
}

std::optional<std::map<std::string, std::string>> router::match_segments(
    const compiled& c, const std::vector<std::string_view>& path) {
  if (c.segments.size() != path.size()) return std::nullopt;
  std::map<std::string, std::string> params;
  for (size_t i = 0; i < path.size(); ++i) {
    const std::string& pattern = c.segments[i];
    if (is_parameter(pattern)) {
      if (path[i].empty()) return std::nullopt;
      params[pattern.substr(1, pattern.size() - 2)] = std::string(path[i]);
    } else if (pattern != path[i]) {
      return std::nullopt;
    }
  }
  return params;
}

route_result router::match(boost::beast::http::verb method, std::string_view target) const {
  const auto parsed = parse_target(target);
  if (!parsed) return route_not_found{};
  return match(method, *parsed);
}

route_result router::match(boost::beast::http::verb method, const parsed_target& target) const {
  // The route with the most literal segments wins, so "/v1/namespaces/list" beats
  // "/v1/namespaces/{namespace_identifier}". A path that only other methods serve is 405.
  std::vector<std::string_view> path;
  for (const auto& s : target.segments)
    path.emplace_back(s);

  route_method_not_allowed not_allowed;
  const route* best = nullptr;
  std::map<std::string, std::string> best_params;
  size_t best_literals = 0;
  for (size_t i = 0; i < routes_.size(); ++i) {
    auto params = match_segments(compiled_[i], path);
    if (!params) continue;
    if (routes_[i].method != method) {
      const std::string name(boost::beast::http::to_string(routes_[i].method));
      bool seen = false;
      for (const auto& a : not_allowed.allowed)
        seen = seen || a == name;
      if (!seen) not_allowed.allowed.push_back(name);
      continue;
    }
    const size_t literals = compiled_[i].segments.size() - params->size();
    if (best == nullptr || literals > best_literals) {
      best = &routes_[i];
      best_params = std::move(*params);
      best_literals = literals;
    }
  }
  if (best != nullptr) return route_match{best, std::move(best_params)};
  if (!not_allowed.allowed.empty()) return not_allowed;
  return route_not_found{};
}

effects effects_of(const route& r) noexcept {
  if (r.changes != effects::by_method) return r.changes;
  const bool safe =
      r.method == boost::beast::http::verb::get || r.method == boost::beast::http::verb::head;
  return safe ? effects::none : effects::at_start;
}

}  // namespace index_optimizer::http
