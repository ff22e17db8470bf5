#pragma once

// The functions the libFuzzer targets drive (fuzz/<name>_fuzz.cpp, one each). They are plain
// functions so that the g++ unit tests can replay fuzz/regressions/ through them without
// libFuzzer. Each runs one input through the code under test and checks invariants beyond "does
// not crash"; a broken invariant throws invariant_violation, which libFuzzer reports as a crash
// and gtest as a failure.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

namespace index_optimizer::fuzz {

using input = std::span<const std::uint8_t>;

class invariant_violation : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

// Throws invariant_violation("<what>") when `ok` is false.
inline void require(bool ok, std::string_view what) {
  if (!ok) throw invariant_violation(std::string(what));
}

inline std::string_view as_text(input data) {
  return {reinterpret_cast<const char*>(data.data()), data.size()};
}

// A Redis stream entry, one `name=value` line per field (value up to the end of the line).
void filter_entry(input data);
// The input as a `filter` value and as a `fields` value, each on its own.
void filter_json(input data);
// The input as the body of POST /v1/namespaces, PATCH and PUT /v1/namespaces/{id} and
// POST /v1/namespaces/list, then the model changes each handler makes.
void namespace_request(input data);
// The input as a request target (path?query): the router's decoding, then the query parameters
// of the analytics and namespace-list routes.
void query_params(input data);
// Optional INDEX_OPTIMIZER_*=value lines (environment overrides), then YAML config text.
void config_text(input data);

struct named_entry_point {
  std::string_view name;  // fuzz/corpus/<name>, fuzz/regressions/<name>
  void (*run)(input data);
};

inline constexpr std::array<named_entry_point, 5> k_entry_points{{
    {"filter_entry", filter_entry},
    {"filter_json", filter_json},
    {"namespace_request", namespace_request},
    {"query_params", query_params},
    {"config", config_text},
}};

}  // namespace index_optimizer::fuzz

// libFuzzer's entry point calling `entry`, in the fuzz build only (fuzz/CMakeLists.txt defines
// INDEX_OPTIMIZER_LIBFUZZER); the unit tests call the entry points directly.
#ifdef INDEX_OPTIMIZER_LIBFUZZER
#define INDEX_OPTIMIZER_FUZZ_TARGET(entry)                                            \
  extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) { \
    index_optimizer::fuzz::entry({data, size});                                       \
    return 0;                                                                         \
  }
#else
#define INDEX_OPTIMIZER_FUZZ_TARGET(entry)
#endif
