// Dead letters against a real redis-server: what the stream keeps of an oversized entry, and the
// replay that moves dead letters back onto their stream exactly once.
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <future>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "ingest/dead_letter.hpp"
#include "ingest/dead_letter_replay.hpp"
#include "ingest/ingest_service.hpp"
#include "ingest/stream_entries.hpp"
#include "support/filter_events.hpp"
#include "support/redis_server.hpp"
#include "support/wait.hpp"
#include "window_store/window_store.hpp"

namespace index_optimizer::testing {
namespace {

using namespace std::chrono_literals;

const std::string k_stream = "io:{events}";
const std::string k_dead_letters = "io:{events}:dead-letter";

class DeadLetters : public ::testing::Test {
 protected:
  DeadLetters() {
    cfg_.redis.url = redis_.url();
    cfg_.redis.endpoint = redis_.endpoint();
    cfg_.ingest.streams = {k_stream};
    cfg_.ingest.consumer_name = "consumer-1";
    cfg_.ingest.block = 100ms;
    cfg_.ingest.commit_interval = 50ms;
    cfg_.shutdown.drain_timeout = 5s;
  }

  // Runs a consumer until every entry of the stream is acknowledged.
  void consume_all() {
    prometheus::Registry registry;
    ingest_service service(cfg_, registry);
    service.start();
    ASSERT_TRUE(wait_until(
        [&] { return read_group_state(connection_, k_stream, "index-optimizer").drained(); }, 60s));
    EXPECT_TRUE(service.stop(5s));
  }

  // The dead-letter stream's entries, viewing into `reply`.
  std::vector<stream_entry_view> dead_letters(redis_reply& reply) {
    std::vector<stream_entry_view> entries;
    auto read = connection_.command({"XRANGE", k_dead_letters, "-", "+"});
    if (!read) {
      ADD_FAILURE() << read.error().message;
      return entries;
    }
    reply = std::move(*read);
    if (!parse_xrange_reply(reply, entries)) ADD_FAILURE() << describe(reply);
    return entries;
  }

  long long length(const std::string& stream) { return std::stoll(redis_.cli({"XLEN", stream})); }

  redis_server redis_;
  redis_connection connection_ = connect_or_throw(redis_.endpoint());
  config cfg_;
};

TEST_F(DeadLetters, AnOversizedEntryIsKeptAsABoundedPrefixWithItsSizeAndHash) {
  register_namespace(connection_, "io:", {"ns_alpha0000001", "alpha"});
  const std::string huge(8 << 20, ' ');
  const entry_fields entry = {{"namespace", "alpha"}, {"filter", "{}" + huge}};
  add_events(connection_, k_stream, {entry});
  consume_all();

  redis_reply reply;
  const auto dead = dead_letters(reply);
  ASSERT_EQ(dead.size(), 1u);
  const auto& fields = dead[0].fields;
  const std::vector<entry_field> original(entry.begin(), entry.end());
  EXPECT_EQ(fields[0], (entry_field{"reason", "too_large"}));
  EXPECT_EQ(fields[4], (entry_field{"source_bytes", std::to_string(9 + 5 + 6 + 2 + huge.size())}));
  EXPECT_EQ(fields[5], (entry_field{"source_stored", "prefix"}));
  EXPECT_EQ(fields[6], (entry_field{"source_sha256", entry_sha256(original)}));
  // The whole entry costs Redis 8 MiB; what the dead-letter stream keeps of it, a few KiB.
  const auto bytes = std::stoll(redis_.cli({"MEMORY", "USAGE", k_dead_letters}));
  EXPECT_LT(bytes, 16 * 1024) << "the dead letter holds " << bytes << " bytes";
}

TEST_F(DeadLetters, ReplayMovesEachSelectedDeadLetterBackExactlyOnce) {
  constexpr int k_events = 2000;
  std::vector<entry_fields> entries(k_events, {{"namespace", "shop"}, {"fields", R"(["a"])"}});
  entries.push_back({{"namespace", "shop"}, {"filter", "{not json"}});              // invalid_json
  entries.push_back({{"namespace", "shop"}, {"filter", std::string(70000, ' ')}});  // too_large
  entries.push_back({{"namespace", "cart"}, {"fields", R"(["b"])"}});               // still unknown
  add_events(connection_, k_stream, entries);
  consume_all();
  ASSERT_EQ(length(k_dead_letters), k_events + 3);

  // Nothing is replayed while its namespace does not exist.
  auto report = replay_dead_letters(connection_, cfg_, {});
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->replayed, 0u);
  EXPECT_EQ(report->namespace_missing, k_events + 1u);
  EXPECT_EQ(report->by_verdict[static_cast<std::size_t>(replay_verdict::other_reason)], 2u);

  register_namespace(connection_, "io:", {"ns_shop00000001", "shop"});
  const auto stream_before = length(k_stream);
  replay_options dry_run;
  dry_run.dry_run = true;
  report = replay_dead_letters(connection_, cfg_, dry_run);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->replayed, static_cast<std::uint64_t>(k_events)) << "what would be replayed";
  EXPECT_EQ(length(k_stream), stream_before) << "a dry run moves nothing";

  // Two replays at once: each dead letter is moved by exactly one of them.
  auto replay = [&] {
    auto connection = connect_or_throw(redis_.endpoint());
    return replay_dead_letters(connection, cfg_, {});
  };
  auto first = std::async(std::launch::async, replay);
  auto second = std::async(std::launch::async, replay);
  const auto a = first.get();
  const auto b = second.get();
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->replayed + b->replayed, static_cast<std::uint64_t>(k_events));
  EXPECT_EQ(length(k_stream), stream_before + k_events);
  EXPECT_EQ(length(k_dead_letters), 3) << "invalid_json, too_large and cart stay";

  consume_all();
  const auto stats =
      read_namespace_window(connection_, cfg_, "ns_shop00000001", window_kind::decision);
  ASSERT_TRUE(stats) << stats.error().message;
  EXPECT_EQ(stats->events, static_cast<std::uint64_t>(k_events));
  EXPECT_EQ(length(k_dead_letters), 3) << "the replayed events were counted, not dead-lettered";

  report = replay_dead_letters(connection_, cfg_, {});
  ASSERT_TRUE(report);
  EXPECT_EQ(report->replayed, 0u) << "a second replay finds nothing left to move";

  // Other reasons only when asked for, and only what was kept whole.
  replay_options other_reasons;
  other_reasons.selection.reasons = {decode_reason::invalid_json, decode_reason::too_large};
  report = replay_dead_letters(connection_, cfg_, other_reasons);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->replayed, 1u);
  EXPECT_EQ(report->by_verdict[static_cast<std::size_t>(replay_verdict::prefix_only)], 1u);
}

TEST_F(DeadLetters, ReplayTakesOneNamespaceAndStopsAtTheLimit) {
  register_namespace(connection_, "io:", {"ns_shop00000001", "shop"});
  register_namespace(connection_, "io:", {"ns_cart00000001", "cart"});
  // Dead letters written while the namespaces did not exist yet (a restarted-empty Redis).
  std::vector<std::string> flat;
  for (const auto* ns : {"shop", "cart", "cart", "cart"}) {
    flat.clear();
    const std::vector<entry_field> original = {{"namespace", ns}, {"fields", R"(["a"])"}};
    append_dead_letter_fields(
        make_dead_letter("1718000000000-0", original, decode_reason::unknown_namespace, "m", 65536),
        k_stream, flat);
    std::vector<std::string> command = {"XADD", k_dead_letters, "*"};
    command.insert(command.end(), flat.begin(), flat.end());
    ASSERT_TRUE(connection_.command(command));
  }
  replay_options two_of_cart;
  two_of_cart.selection.namespace_ref = "cart";
  two_of_cart.limit = 2;
  auto report = replay_dead_letters(connection_, cfg_, two_of_cart);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->replayed, 2u);
  EXPECT_EQ(report->by_verdict[static_cast<std::size_t>(replay_verdict::other_namespace)], 1u);
  EXPECT_EQ(length(k_dead_letters), 2);
  // The replayed entry carries the original time: ts from the original entry id.
  EXPECT_NE(redis_.cli({"XRANGE", k_stream, "-", "+"}).find("1718000000000"), std::string::npos);
}

}  // namespace
}  // namespace index_optimizer::testing
