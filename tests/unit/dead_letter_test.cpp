// The dead-letter layout (what is kept whole, what only as a prefix with its size and hash) and
// the replay's pure decisions: which dead letters it takes and what it adds back.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ingest/dead_letter.hpp"
#include "ingest/dead_letter_replay.hpp"
#include "text/utf8_text.hpp"

namespace index_optimizer {
namespace {

std::vector<entry_field> views(const std::vector<std::pair<std::string, std::string>>& fields) {
  return {fields.begin(), fields.end()};
}

// The stream entry append_dead_letter_fields writes, as field/value views into `flat`.
std::vector<entry_field> as_entry(const std::vector<std::string>& flat) {
  std::vector<entry_field> out;
  for (std::size_t i = 0; i + 1 < flat.size(); i += 2)
    out.emplace_back(flat[i], flat[i + 1]);
  return out;
}

TEST(DeadLetter, AnEntryWithinTheLimitIsKeptWholeAndReadsBackAsIs) {
  const std::vector<entry_field> fields = {
      {"namespace", "shop"}, {"filter", "{}"}, {"reason", "a producer field named reason"}};
  const auto dead =
      make_dead_letter("5-1", fields, decode_reason::unknown_namespace, "no namespace", 65536);
  EXPECT_EQ(dead.stored, dead_letter_storage::whole);
  EXPECT_EQ(dead.source_bytes, 56u);
  EXPECT_TRUE(dead.source_sha256.empty());
  std::vector<std::string> flat;
  append_dead_letter_fields(dead, "io:{events}", flat);
  const std::vector<std::string> ours(flat.begin(), flat.begin() + 14);
  EXPECT_EQ(ours, (std::vector<std::string>{"reason", "unknown_namespace", "message",
                                            "no namespace", "source_stream", "io:{events}",
                                            "source_id", "5-1", "source_bytes", "56",
                                            "source_stored", "whole", "source_fields", "3"}));
  const auto entry = as_entry(flat);
  const auto stored = parse_dead_letter(entry);
  ASSERT_TRUE(stored);
  EXPECT_TRUE(stored->whole);
  EXPECT_EQ(stored->reason, "unknown_namespace");
  EXPECT_EQ(stored->source_stream, "io:{events}");
  EXPECT_EQ(stored->source_id, "5-1");
  EXPECT_EQ(stored->original, fields);
}

TEST(DeadLetter, AnOversizedEntryKeepsABoundedPrefixWithItsSizeAndHash) {
  const std::string huge(8 << 20, 'x');
  const std::vector<entry_field> fields = {{"namespace", "shop"}, {"filter", huge}};
  const auto dead = make_dead_letter("7-0", fields, decode_reason::too_large, "too large", 65536);
  EXPECT_EQ(dead.stored, dead_letter_storage::prefix);
  EXPECT_EQ(dead.source_bytes, 9u + 4 + 6 + huge.size());
  EXPECT_EQ(dead.source_sha256, entry_sha256(fields));
  ASSERT_EQ(dead.fields.size(), 2u);
  EXPECT_EQ(dead.fields[0], (std::pair<std::string, std::string>{"namespace", "shop"}));
  EXPECT_EQ(dead.fields[1].first, "filter");
  std::size_t kept = 0;
  for (const auto& [name, value] : dead.fields)
    kept += name.size() + value.size();
  EXPECT_EQ(kept, k_dead_letter_prefix_bytes);

  std::vector<std::string> flat;
  append_dead_letter_fields(dead, "io:{events}", flat);
  std::size_t written = 0;
  for (const auto& text : flat)
    written += text.size();
  EXPECT_LT(written, k_dead_letter_prefix_bytes + 256) << "an 8 MiB entry costs ~4 KiB";
  const auto entry = as_entry(flat);
  const auto stored = parse_dead_letter(entry);
  ASSERT_TRUE(stored);
  EXPECT_FALSE(stored->whole) << "a prefix is never replayed";
  EXPECT_EQ(entry[6], (entry_field{"source_sha256", dead.source_sha256}));
}

TEST(DeadLetter, AnEntryWithMoreFieldsThanTheCapIsAPrefix) {
  std::vector<std::pair<std::string, std::string>> owned(k_dead_letter_max_fields + 1, {"k", "v"});
  const auto dead =
      make_dead_letter("1-0", views(owned), decode_reason::missing_namespace, "m", 65536);
  EXPECT_EQ(dead.stored, dead_letter_storage::prefix);
  EXPECT_LE(dead.fields.size(), k_dead_letter_max_fields);
  owned.pop_back();
  EXPECT_EQ(
      make_dead_letter("1-0", views(owned), decode_reason::missing_namespace, "m", 65536).stored,
      dead_letter_storage::whole);
}

TEST(DeadLetter, APrefixIsCutAtAUtf8Boundary) {
  // The name takes 6 bytes of the 4096; the value's 3-byte character straddles the end.
  const std::string value = std::string(4088, 'a') + "\xE2\x82\xAC";
  const std::vector<entry_field> fields = {{"filter", value}};
  const auto dead = make_dead_letter("1-0", fields, decode_reason::too_large, "m", 10);
  ASSERT_EQ(dead.fields.size(), 1u);
  EXPECT_EQ(dead.fields[0].second.size(), 4088u);
  EXPECT_TRUE(is_valid_utf8(dead.fields[0].second));
}

TEST(DeadLetter, TheHashIsSha256OverNetstringsOfNamesAndValues) {
  // python3: hashlib.sha256(b"9:namespace,4:shop,6:filter,2:{},").hexdigest()
  const std::vector<entry_field> fields = {{"namespace", "shop"}, {"filter", "{}"}};
  EXPECT_EQ(entry_sha256(fields),
            "1ec9824889f3e47aa3bfb1bd104dbf4089ca30ea80ea9cedc0695d037ccd93cf");
}

TEST(DeadLetter, AnEntryWrittenBeforeSourceStoredExistedReadsAsWholeBelowTheCap) {
  const std::vector<entry_field> legacy = {{"reason", "unknown_namespace"},  {"message", "m"},
                                           {"source_stream", "io:{events}"}, {"source_id", "3-0"},
                                           {"source_fields", "1"},           {"namespace", "shop"}};
  const auto stored = parse_dead_letter(legacy);
  ASSERT_TRUE(stored);
  EXPECT_TRUE(stored->whole);
  EXPECT_EQ(stored->original, (std::vector<entry_field>{{"namespace", "shop"}}));
}

TEST(DeadLetter, SomethingElseIsNotADeadLetter) {
  EXPECT_FALSE(parse_dead_letter(std::vector<entry_field>{{"namespace", "shop"}}));
  // A count that does not match what follows.
  EXPECT_FALSE(parse_dead_letter(std::vector<entry_field>{{"reason", "unknown_namespace"},
                                                          {"source_stream", "s"},
                                                          {"source_id", "1-0"},
                                                          {"source_fields", "2"},
                                                          {"namespace", "shop"}}));
}

stored_dead_letter whole_letter(std::vector<entry_field> original,
                                std::string_view reason = "unknown_namespace") {
  stored_dead_letter dead;
  dead.reason = reason;
  dead.source_stream = "io:{events}";
  dead.source_id = "1718000000123-4";
  dead.whole = true;
  dead.original = std::move(original);
  return dead;
}

TEST(DeadLetterReplay, TakesOnlyWholeDeadLettersOfTheSelectedReasonNamespaceAndStreams) {
  const std::vector<std::string> streams = {"io:{events}"};
  const replay_selection unknown;  // default: unknown_namespace, any namespace
  const auto shop = whole_letter({{"namespace", "shop"}, {"filter", "{}"}});
  EXPECT_EQ(judge_dead_letter(shop, unknown, streams), replay_verdict::replay);

  EXPECT_EQ(
      judge_dead_letter(whole_letter({{"namespace", "shop"}}, "invalid_json"), unknown, streams),
      replay_verdict::other_reason);
  EXPECT_EQ(
      judge_dead_letter(whole_letter({{"namespace", "shop"}}, "no_such_reason"), unknown, streams),
      replay_verdict::other_reason);
  replay_selection json_too{{decode_reason::unknown_namespace, decode_reason::invalid_json}, {}};
  EXPECT_EQ(
      judge_dead_letter(whole_letter({{"namespace", "shop"}}, "invalid_json"), json_too, streams),
      replay_verdict::replay);

  replay_selection only_cart{{decode_reason::unknown_namespace}, "cart"};
  EXPECT_EQ(judge_dead_letter(shop, only_cart, streams), replay_verdict::other_namespace);
  EXPECT_EQ(judge_dead_letter(whole_letter({{"namespace", "cart"}}), only_cart, streams),
            replay_verdict::replay);

  auto cut = shop;
  cut.whole = false;
  EXPECT_EQ(judge_dead_letter(cut, unknown, streams), replay_verdict::prefix_only);

  auto elsewhere = shop;
  elsewhere.source_stream = "someone-elses-stream";
  EXPECT_EQ(judge_dead_letter(elsewhere, unknown, streams), replay_verdict::unknown_stream);

  EXPECT_EQ(judge_dead_letter(std::nullopt, unknown, streams), replay_verdict::not_a_dead_letter);
}

TEST(DeadLetterReplay, AddsTheOriginalFieldsWithTsFromTheOriginalIdWhenTheyHadNone) {
  EXPECT_EQ(
      replayed_fields(whole_letter({{"namespace", "shop"}, {"fields", "[\"a\"]"}})),
      (std::vector<std::string>{"namespace", "shop", "fields", "[\"a\"]", "ts", "1718000000123"}));
  EXPECT_EQ(replayed_fields(whole_letter({{"ts", "5"}, {"namespace", "shop"}})),
            (std::vector<std::string>{"ts", "5", "namespace", "shop"}));
  EXPECT_EQ(original_namespace(whole_letter({{"ts", "5"}, {"namespace", "shop"}})), "shop");
  EXPECT_EQ(original_namespace(whole_letter({{"ts", "5"}})), "");
}

}  // namespace
}  // namespace index_optimizer
