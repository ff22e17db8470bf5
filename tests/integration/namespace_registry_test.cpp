// The namespace registry against a real redis-server: key layout, compare-and-set, the name
// index under renames, deletion and its hook, and the per-namespace write lock.
#include "namespace_registry/namespace_registry.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "namespace_model/protected_indexes.hpp"
#include "namespace_registry/namespace_lock.hpp"
#include "support/redis_server.hpp"
#include "support/wait.hpp"

namespace index_optimizer {
namespace {

using namespace std::chrono_literals;
using testing::redis_server;

redis_pool_options pool_options() {
  redis_pool_options o;
  o.size = 8;
  o.connect_timeout = 1000ms;
  o.command_timeout = 2000ms;
  return o;
}

namespace_model sample(std::string id, std::string name) {
  namespace_model ns;
  ns.namespace_id = std::move(id);
  ns.namespace_name = std::move(name);
  ns.payload_indexes = default_protected_indexes();
  ns.created_at = std::chrono::system_clock::time_point(std::chrono::seconds(1700000000));
  ns.updated_at = ns.created_at;
  return ns;
}

class NamespaceRegistryTest : public ::testing::Test {
 protected:
  NamespaceRegistryTest()
      : pool_(server_.endpoint(), pool_options()),
        registry_(pool_, {"t:", 1000ms, 64}, [this](const std::string& id) {
          std::lock_guard lock(mutex_);
          deleted_.push_back(id);
        }) {}

  redis_server server_;
  redis_pool pool_;
  std::mutex mutex_;
  std::vector<std::string> deleted_;
  namespace_registry registry_;
};

TEST_F(NamespaceRegistryTest, CreateStoresTheDocumentNameAndOrderUnderTheNsHashTag) {
  auto created = registry_.create(sample("ns_aaaaaaaaaaaa", "alpha"));
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_EQ(created->version, 1);

  EXPECT_EQ(server_.cli({"HGET", "t:{ns}:names", "alpha"}), "ns_aaaaaaaaaaaa");
  EXPECT_EQ(server_.cli({"ZSCORE", "t:{ns}:order", "ns_aaaaaaaaaaaa"}), "1700000000000000");
  const auto doc = server_.cli({"GET", "t:{ns}:doc:ns_aaaaaaaaaaaa"});
  auto parsed = parse_stored_namespace(doc, "doc");
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed.value(), created.value());
}

TEST_F(NamespaceRegistryTest, CreateRefusesATakenNameOrId) {
  ASSERT_TRUE(registry_.create(sample("ns_aaaaaaaaaaaa", "alpha")));
  auto same_name = registry_.create(sample("ns_bbbbbbbbbbbb", "alpha"));
  ASSERT_FALSE(same_name);
  EXPECT_EQ(same_name.error().code, registry_errc::name_taken);
  auto same_id = registry_.create(sample("ns_aaaaaaaaaaaa", "beta"));
  ASSERT_FALSE(same_id);
  EXPECT_EQ(same_id.error().code, registry_errc::id_taken);
  EXPECT_EQ(server_.cli({"HLEN", "t:{ns}:names"}), "1");
}

TEST_F(NamespaceRegistryTest, ResolveTriesTheIdThenTheName) {
  ASSERT_TRUE(registry_.create(sample("ns_aaaaaaaaaaaa", "alpha")));
  // A namespace *named* like the first one's id: the id wins, the name still resolves its own.
  ASSERT_TRUE(registry_.create(sample("ns_bbbbbbbbbbbb", "ns_cccccccccccc")));
  EXPECT_EQ(registry_.resolve("ns_aaaaaaaaaaaa")->namespace_name, "alpha");
  EXPECT_EQ(registry_.resolve("alpha")->namespace_id, "ns_aaaaaaaaaaaa");
  EXPECT_EQ(registry_.resolve("ns_cccccccccccc")->namespace_id, "ns_bbbbbbbbbbbb");
  auto missing = registry_.resolve("nope");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, registry_errc::not_found);
}

TEST_F(NamespaceRegistryTest, StoreIsACompareAndSetThatBumpsTheVersion) {
  auto created = registry_.create(sample("ns_aaaaaaaaaaaa", "alpha"));
  ASSERT_TRUE(created);
  auto next = created.value();
  next.description = "first";
  auto stored = registry_.store(next, 1);
  ASSERT_TRUE(stored) << stored.error().message;
  EXPECT_EQ(stored->version, 2);

  next.description = "stale";
  auto stale = registry_.store(next, 1);
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code, registry_errc::version_mismatch);
  EXPECT_EQ(stale.error().current_version, 2);
  EXPECT_EQ(registry_.get("ns_aaaaaaaaaaaa")->description, "first");

  auto gone = sample("ns_zzzzzzzzzzzz", "zed");
  auto missing = registry_.store(gone, 1);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, registry_errc::not_found);
}

TEST_F(NamespaceRegistryTest, RenameMovesTheNameIndexEntryAndRefusesATakenName) {
  ASSERT_TRUE(registry_.create(sample("ns_aaaaaaaaaaaa", "alpha")));
  ASSERT_TRUE(registry_.create(sample("ns_bbbbbbbbbbbb", "beta")));
  auto renamed = registry_.get("ns_aaaaaaaaaaaa").value();
  renamed.namespace_name = "gamma";
  ASSERT_TRUE(registry_.store(renamed, 1));
  EXPECT_EQ(server_.cli({"HGET", "t:{ns}:names", "gamma"}), "ns_aaaaaaaaaaaa");
  EXPECT_EQ(server_.cli({"HEXISTS", "t:{ns}:names", "alpha"}), "0");

  auto clash = registry_.get("ns_aaaaaaaaaaaa").value();
  clash.namespace_name = "beta";
  auto refused = registry_.store(clash, 2);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, registry_errc::name_taken);
  EXPECT_EQ(server_.cli({"HGET", "t:{ns}:names", "beta"}), "ns_bbbbbbbbbbbb");
  EXPECT_EQ(registry_.get("ns_aaaaaaaaaaaa")->namespace_name, "gamma");
}

TEST_F(NamespaceRegistryTest, ParallelRenamesToOneNameLetExactlyOneWin) {
  for (int round = 0; round < 20; ++round) {
    const std::string a = "ns_a" + std::string(10, static_cast<char>('a' + round % 26)) + "0";
    const std::string b = "ns_b" + std::string(10, static_cast<char>('a' + round % 26)) + "0";
    const std::string wanted = "taken" + std::to_string(round);
    ASSERT_TRUE(registry_.create(sample(a, "a" + std::to_string(round))));
    ASSERT_TRUE(registry_.create(sample(b, "b" + std::to_string(round))));
    auto rename = [&](const std::string& id) {
      return registry_.update(id, [&](const namespace_model& ns) {
        auto next = ns;
        next.namespace_name = wanted;
        return std::optional<namespace_model>(next);
      });
    };
    auto first = std::async(std::launch::async, rename, a);
    auto second = std::async(std::launch::async, rename, b);
    auto r1 = first.get();
    auto r2 = second.get();
    ASSERT_NE(static_cast<bool>(r1), static_cast<bool>(r2)) << "round " << round;
    const auto& loser = r1 ? r2 : r1;
    EXPECT_EQ(loser.error().code, registry_errc::name_taken);
    EXPECT_EQ(server_.cli({"HGET", "t:{ns}:names", wanted}), r1 ? a : b);
  }
}

TEST_F(NamespaceRegistryTest, UpdateRetriesAfterALostRaceAndLosesNoWrite) {
  ASSERT_TRUE(registry_.create(sample("ns_aaaaaaaaaaaa", "alpha")));
  constexpr int k_writers = 4;
  constexpr int k_each = 10;
  std::vector<std::future<void>> writers;
  for (int w = 0; w < k_writers; ++w) {
    writers.push_back(std::async(std::launch::async, [&, w] {
      for (int i = 0; i < k_each; ++i) {
        auto r = registry_.update("ns_aaaaaaaaaaaa", [&](const namespace_model& ns) {
          auto next = ns;
          payload_index_config index;
          index.field_name = "f" + std::to_string(w) + "_" + std::to_string(i);
          next.payload_indexes.push_back(index);
          return std::optional<namespace_model>(next);
        });
        EXPECT_TRUE(r) << r.error().message;
      }
    }));
  }
  for (auto& w : writers)
    w.get();
  const auto final_ns = registry_.get("ns_aaaaaaaaaaaa").value();
  EXPECT_EQ(final_ns.version, 1 + k_writers * k_each);
  EXPECT_EQ(final_ns.payload_indexes.size(),
            default_protected_indexes().size() + static_cast<std::size_t>(k_writers * k_each));
}

TEST_F(NamespaceRegistryTest, UpdateWithNoChangeWritesNothing) {
  ASSERT_TRUE(registry_.create(sample("ns_aaaaaaaaaaaa", "alpha")));
  auto r = registry_.update(
      "ns_aaaaaaaaaaaa", [](const namespace_model&) { return std::optional<namespace_model>(); });
  ASSERT_TRUE(r);
  EXPECT_EQ(r->version, 1);
}

TEST_F(NamespaceRegistryTest, ListReturnsCreationOrderAndSkipsCorruptDocuments) {
  auto first = sample("ns_bbbbbbbbbbbb", "second-created-first");
  auto second = sample("ns_aaaaaaaaaaaa", "created-later");
  second.created_at = *first.created_at + 1s;
  ASSERT_TRUE(registry_.create(first));
  ASSERT_TRUE(registry_.create(second));
  server_.cli({"SET", "t:{ns}:doc:ns_broken00000", "{not json"});
  server_.cli({"ZADD", "t:{ns}:order", "1", "ns_broken00000"});
  auto all = registry_.list();
  ASSERT_TRUE(all) << all.error().message;
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].namespace_id, "ns_bbbbbbbbbbbb");
  EXPECT_EQ((*all)[1].namespace_id, "ns_aaaaaaaaaaaa");
  auto broken = registry_.get("ns_broken00000");
  ASSERT_FALSE(broken);
  EXPECT_EQ(broken.error().code, registry_errc::corrupt);
}

TEST_F(NamespaceRegistryTest, RemoveDeletesEveryEntryAndCallsTheHook) {
  ASSERT_TRUE(registry_.create(sample("ns_aaaaaaaaaaaa", "alpha")));
  auto stale = registry_.remove("ns_aaaaaaaaaaaa", 7);
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code, registry_errc::version_mismatch);
  EXPECT_EQ(stale.error().current_version, 1);
  EXPECT_TRUE(deleted_.empty());

  auto removed = registry_.remove("ns_aaaaaaaaaaaa", 1);
  ASSERT_TRUE(removed) << removed.error().message;
  EXPECT_EQ(removed->namespace_name, "alpha");
  EXPECT_EQ(server_.cli({"EXISTS", "t:{ns}:doc:ns_aaaaaaaaaaaa"}), "0");
  EXPECT_EQ(server_.cli({"HEXISTS", "t:{ns}:names", "alpha"}), "0");
  EXPECT_EQ(server_.cli({"ZSCORE", "t:{ns}:order", "ns_aaaaaaaaaaaa"}), "");
  EXPECT_EQ(deleted_, std::vector<std::string>{"ns_aaaaaaaaaaaa"});

  auto again = registry_.remove("ns_aaaaaaaaaaaa");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, registry_errc::not_found);
  EXPECT_EQ(deleted_.size(), 1u);
}

TEST_F(NamespaceRegistryTest, RedisDownIsUnavailable) {
  server_.stop();
  auto r = registry_.get("ns_aaaaaaaaaaaa");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, registry_errc::unavailable);
}

TEST_F(NamespaceRegistryTest, LockIsExclusiveUntilReleasedAndWaitersGiveUpAsBusy) {
  namespace_lock_options options;
  options.lease = 10s;
  options.wait = 200ms;
  auto held = namespace_lock::acquire(pool_, registry_.keys().lock("ns_a"), options);
  ASSERT_TRUE(held) << held.error().message;
  auto waiter = namespace_lock::acquire(pool_, registry_.keys().lock("ns_a"), options);
  ASSERT_FALSE(waiter);
  EXPECT_EQ(waiter.error().code, registry_errc::busy);
  // Another namespace's lock is independent.
  EXPECT_TRUE(namespace_lock::acquire(pool_, registry_.keys().lock("ns_b"), options));

  EXPECT_TRUE(held->renew());
  held->release();
  EXPECT_TRUE(namespace_lock::acquire(pool_, registry_.keys().lock("ns_a"), options));
}

TEST_F(NamespaceRegistryTest, AnExpiredLockIsLostAndItsReleaseSparesTheSuccessor) {
  namespace_lock_options short_lease;
  short_lease.lease = 50ms;
  short_lease.wait = 2s;
  auto first = namespace_lock::acquire(pool_, registry_.keys().lock("ns_a"), short_lease);
  ASSERT_TRUE(first);
  // The waiter gets in once the first lease runs out.
  namespace_lock_options long_lease;
  long_lease.lease = 10s;
  long_lease.wait = 2s;
  auto second = namespace_lock::acquire(pool_, registry_.keys().lock("ns_a"), long_lease);
  ASSERT_TRUE(second) << second.error().message;
  auto renewed = first->renew();
  ASSERT_FALSE(renewed);
  EXPECT_EQ(renewed.error().code, registry_errc::lock_lost);
  first->release();
  EXPECT_NE(server_.cli({"GET", "t:{ns}:lock:ns_a"}), "");
}

TEST_F(NamespaceRegistryTest, AKeptLockOutlivesItsLeaseUntilReleased) {
  namespace_lock_options short_lease;
  short_lease.lease = 150ms;
  auto held = namespace_lock::acquire(pool_, registry_.keys().lock("ns_a"), short_lease);
  ASSERT_TRUE(held);
  held->keep_renewed();
  namespace_lock_options waiting;
  waiting.wait = 700ms;  // more than four leases
  auto waiter = namespace_lock::acquire(pool_, registry_.keys().lock("ns_a"), waiting);
  ASSERT_FALSE(waiter);
  EXPECT_EQ(waiter.error().code, registry_errc::busy);
  EXPECT_FALSE(held->lost());
  held->release();
  EXPECT_TRUE(namespace_lock::acquire(pool_, registry_.keys().lock("ns_a"), waiting));
}

TEST_F(NamespaceRegistryTest, ARenewalThatFindsTheLockTakenOverReportsItLost) {
  namespace_lock_options short_lease;
  short_lease.lease = 150ms;
  auto held = namespace_lock::acquire(pool_, registry_.keys().lock("ns_a"), short_lease);
  ASSERT_TRUE(held);
  held->keep_renewed();
  server_.cli({"SET", "t:{ns}:lock:ns_a", "someone-else"});
  EXPECT_TRUE(testing::wait_until([&] { return held->lost(); }, 5s));
  held->release();
  EXPECT_EQ(server_.cli({"GET", "t:{ns}:lock:ns_a"}), "someone-else");
}

}  // namespace
}  // namespace index_optimizer
