#pragma once

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

namespace index_optimizer::testing {

// HTTP header names are case-insensitive; tests and fakes key them in lower case.
inline std::string to_lower_ascii(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace index_optimizer::testing
