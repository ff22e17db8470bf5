#include "support/exposition_text.hpp"

#include <algorithm>
#include <cstdlib>
#include <stdexcept>

namespace index_optimizer::testing {
namespace {

// Parses `{a="x",b="y\"z"}` starting at `at` (the `{`); returns the position after the `}`.
std::size_t parse_labels(std::string_view line, std::size_t at,
                         std::map<std::string, std::string>& out) {
  std::size_t i = at + 1;
  while (i < line.size() && line[i] != '}') {
    const auto eq = line.find('=', i);
    if (eq == std::string_view::npos || eq + 1 >= line.size() || line[eq + 1] != '"') {
      throw std::runtime_error("malformed labels in exposition line: " + std::string(line));
    }
    std::string name(line.substr(i, eq - i));
    std::string value;
    std::size_t j = eq + 2;
    for (; j < line.size() && line[j] != '"'; ++j) {
      if (line[j] == '\\' && j + 1 < line.size()) {
        ++j;
        value += line[j] == 'n' ? '\n' : line[j];
      } else {
        value += line[j];
      }
    }
    out[std::move(name)] = std::move(value);
    i = j + 1;
    if (i < line.size() && line[i] == ',') ++i;
  }
  return i + 1;
}

}  // namespace

double exposition_sum(std::string_view text, std::string_view name,
                      const std::map<std::string, std::string>& labels) {
  double sum = 0;
  while (!text.empty()) {
    const auto end = text.find('\n');
    const auto line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (line.empty() || line.front() == '#') continue;
    const auto name_end = line.find_first_of("{ ");
    if (name_end == std::string_view::npos || line.substr(0, name_end) != name) continue;
    std::map<std::string, std::string> found;
    std::size_t value_at = name_end;
    if (line[name_end] == '{') value_at = parse_labels(line, name_end, found);
    const bool match = std::all_of(labels.begin(), labels.end(), [&](const auto& wanted) {
      const auto it = found.find(wanted.first);
      return it != found.end() && it->second == wanted.second;
    });
    if (!match) continue;
    const std::string value(line.substr(value_at));
    sum += std::strtod(value.c_str(), nullptr);
  }
  return sum;
}

}  // namespace index_optimizer::testing
