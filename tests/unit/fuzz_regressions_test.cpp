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

// The files of a folder of inputs, sorted. A subfolder fails the test instead of being skipped:
// libFuzzer would read into it, the replay would not, and its inputs would guard nothing here.
std::vector<std::filesystem::path> files_in(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.is_regular_file()) {
      files.push_back(entry.path());
    } else {
      ADD_FAILURE() << entry.path().string() << " is not a file: keep inputs flat in " << dir;
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<std::uint8_t> read_bytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  // Unreadable, it would replay as the empty input and pass whatever it holds.
  if (!in) ADD_FAILURE() << "cannot read " << file.string();
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Runs every file of fuzz/<kind>/<target>/ through the target; returns how many ran. A missing
// folder fails instead of replaying nothing: a renamed target or a moved folder would otherwise
// leave its inputs unguarded while the test still passes.
std::size_t replay(const named_entry_point& target, const char* kind) {
  const auto dir = k_fuzz_dir / kind / target.name;
  if (!std::filesystem::is_directory(dir)) {
    ADD_FAILURE() << dir.string()
                  << " is missing: every target keeps this folder (docs/testing.md, \"Adding a "
                     "target\")";
    return 0;
  }
  const auto files = files_in(dir);
  for (const auto& file : files) {
    SCOPED_TRACE(file.string());
    const auto bytes = read_bytes(file);
    EXPECT_NO_THROW(target.run(bytes));
  }
  return files.size();
}

class FuzzReplay : public ::testing::TestWithParam<named_entry_point> {};

// A target whose fuzzer has found nothing yet keeps its folder with an empty `.gitkeep` (git keeps
// no empty folders), which replays as the empty input.
TEST_P(FuzzReplay, KeptCrashInputsPass) {
  EXPECT_GT(replay(GetParam(), "regressions"), 0u)
      << "fuzz/regressions/" << GetParam().name << " holds no file";
}

TEST_P(FuzzReplay, SeedCorpusPasses) {
  EXPECT_GT(replay(GetParam(), "corpus"), 0u) << "no seeds in fuzz/corpus/" << GetParam().name;
}

INSTANTIATE_TEST_SUITE_P(Targets, FuzzReplay, ::testing::ValuesIn(k_entry_points),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

// Inputs kept under a name no target has (a typo, a renamed target) would never be replayed.
TEST(FuzzInputFolders, EveryFolderNamesATarget) {
  for (const char* kind : {"corpus", "regressions"}) {
    const auto root = k_fuzz_dir / kind;
    ASSERT_TRUE(std::filesystem::is_directory(root)) << root.string();
    for (const auto& entry : std::filesystem::directory_iterator(root)) {
      SCOPED_TRACE(entry.path().string());
      EXPECT_TRUE(entry.is_directory()) << "inputs live in fuzz/" << kind << "/<target>/";
      const auto name = entry.path().filename().string();
      EXPECT_TRUE(std::any_of(k_entry_points.begin(), k_entry_points.end(),
                              [&](const auto& target) { return target.name == name; }))
          << "no fuzz target is named " << name << " (fuzz/fuzz_entry_points.hpp)";
    }
  }
}

}  // namespace
}  // namespace index_optimizer::fuzz
