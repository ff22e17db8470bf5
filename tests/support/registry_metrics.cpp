#include "support/registry_metrics.hpp"

#include <algorithm>
#include <cstdlib>

namespace index_optimizer::testing {
namespace {

// `{a="x",b="y\"z"}` (the braces included) into name -> unescaped value; false when malformed.
bool parse_labels(std::string_view text, std::map<std::string, std::string>& out) {
  std::size_t at = 1;  // past '{'
  while (at < text.size() && text[at] != '}') {
    const auto eq = text.find('=', at);
    if (eq == std::string_view::npos || eq + 1 >= text.size() || text[eq + 1] != '"') return false;
    std::string name(text.substr(at, eq - at));
    std::string value;
    std::size_t i = eq + 2;
    for (; i < text.size() && text[i] != '"'; ++i) {
      if (text[i] == '\\' && i + 1 < text.size()) {
        ++i;
        value += text[i] == 'n' ? '\n' : text[i];
      } else {
        value += text[i];
      }
    }
    if (i >= text.size()) return false;
    out.emplace(std::move(name), std::move(value));
    at = i + 1;
    if (at < text.size() && text[at] == ',') ++at;
  }
  return at < text.size();
}

// The end of a `{...}` label set starting at `from`, skipping quoted values.
std::size_t labels_end(std::string_view line, std::size_t from) {
  bool quoted = false;
  for (std::size_t i = from; i < line.size(); ++i) {
    if (quoted && line[i] == '\\') {
      ++i;
    } else if (line[i] == '"') {
      quoted = !quoted;
    } else if (!quoted && line[i] == '}') {
      return i + 1;
    }
  }
  return std::string_view::npos;
}

}  // namespace

double metric_sum(const prometheus::Registry& registry, const std::string& name,
                  const std::map<std::string, std::string>& labels) {
  double sum = 0;
  for (const auto& family : registry.Collect()) {
    if (family.name != name) continue;
    for (const auto& m : family.metric) {
      const bool match = std::all_of(labels.begin(), labels.end(), [&](const auto& wanted) {
        return std::any_of(m.label.begin(), m.label.end(), [&](const auto& l) {
          return l.name == wanted.first && l.value == wanted.second;
        });
      });
      if (!match) continue;
      sum += m.counter.value + m.gauge.value + static_cast<double>(m.histogram.sample_count);
    }
  }
  return sum;
}

double exposition_metric_sum(std::string_view exposition, const std::string& name,
                             const std::map<std::string, std::string>& labels) {
  double sum = 0;
  const std::string histogram_count = name + "_count";
  while (!exposition.empty()) {
    const auto newline = exposition.find('\n');
    const auto line = exposition.substr(0, newline);
    exposition.remove_prefix(newline == std::string_view::npos ? exposition.size() : newline + 1);
    if (line.empty() || line.front() == '#') continue;
    const auto name_end = line.find_first_of("{ ");
    if (name_end == std::string_view::npos) continue;
    const auto sample = line.substr(0, name_end);
    if (sample != name && sample != histogram_count) continue;
    std::map<std::string, std::string> found;
    std::size_t value_at = name_end;
    if (line[name_end] == '{') {
      value_at = labels_end(line, name_end);
      if (value_at == std::string_view::npos) continue;
      if (!parse_labels(line.substr(name_end, value_at - name_end), found)) continue;
    }
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
