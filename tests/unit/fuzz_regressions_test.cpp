// Replays every kept fuzz input (fuzz/regressions/<target>/, crashes found and fixed) and every
// seed (fuzz/corpus/<target>/) through the fuzz targets' entry points, so the plain and sanitizer
// builds guard the fixes without clang or libFuzzer. docs/testing.md: adding a regression.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <ostream>
#include <string>
#include <vector>

#include "fuzz_entry_points.hpp"

namespace index_optimizer::fuzz {

// Test names and failure messages show the target's name instead of the struct's bytes.
void PrintTo(const named_entry_point& target, std::ostream* out) {
  *out << target.name;
}

namespace {

const std::filesystem::path k_fuzz_dir = std::filesystem::path(INDEX_OPTIMIZER_SOURCE_DIR) / "fuzz";

std::vector<std::filesystem::path> files_in(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  if (!std::filesystem::is_directory(dir)) return files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<std::uint8_t> read_bytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Runs every file of fuzz/<kind>/<target>/ through the target; returns how many ran.
std::size_t replay(const named_entry_point& target, const char* kind) {
  const auto files = files_in(k_fuzz_dir / kind / target.name);
  for (const auto& file : files) {
    SCOPED_TRACE(file.string());
    const auto bytes = read_bytes(file);
    EXPECT_NO_THROW(target.run(bytes));
  }
  return files.size();
}

class FuzzReplay : public ::testing::TestWithParam<named_entry_point> {};

TEST_P(FuzzReplay, KeptCrashInputsPass) {
  replay(GetParam(), "regressions");
}

TEST_P(FuzzReplay, SeedCorpusPasses) {
  EXPECT_GT(replay(GetParam(), "corpus"), 0u) << "no seeds in fuzz/corpus/" << GetParam().name;
}

INSTANTIATE_TEST_SUITE_P(Targets, FuzzReplay, ::testing::ValuesIn(k_entry_points),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

}  // namespace
}  // namespace index_optimizer::fuzz
