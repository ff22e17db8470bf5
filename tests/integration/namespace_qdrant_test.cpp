// The namespace API with the real Qdrant client against the fake Qdrant: index changes reach
// Qdrant before the registry, and whatever Qdrant does (refuse, drop the connection, answer too
// late) the stored namespace equals what the collection holds.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <future>
#include <random>
#include <set>

#include "fakes/fake_qdrant.hpp"
#include "namespace_api_fixture.hpp"
#include "qdrant_client/qdrant_client.hpp"
#include "support/qdrant_agreement.hpp"
#include "support/wait.hpp"

namespace index_optimizer {
namespace {

using namespace std::chrono_literals;
using testing::fake_qdrant;
using testing::http_result;
using testing::index_names;
using testing::namespace_api_fixture;
using testing::namespace_claims_only_qdrant_indexes;
using testing::namespace_matches_qdrant;
using testing::parse_json;
using testing::user_indexes;
using testing::wait_until;

constexpr const char* k_collection = "products";
const std::string k_index_path = "/collections/products/index";

boost::json::value body_of(const http_result& r) {
  return parse_json(r.body);
}

std::string error_type(const http_result& r) {
  return std::string(body_of(r).at("error").at("type").as_string());
}

// The Qdrant client the daemon would build, pointed at the fake; no retries, so every injected
// fault reaches the namespace writer.
std::unique_ptr<qdrant_gateway> client_for(const fake_qdrant& fake,
                                           std::chrono::milliseconds timeout = 2s) {
  qdrant_config cfg;
  cfg.url = fake.url();
  cfg.endpoint = qdrant_endpoint{"http", fake.host(), fake.port()};
  cfg.connect_timeout = 1s;
  cfg.request_timeout = timeout;
  cfg.index_timeout = timeout;
  cfg.max_retries = 0;
  return make_qdrant_gateway(cfg, nullptr);
}

fake_qdrant::options fake_options() {
  fake_qdrant::options o;
  o.collections = {k_collection};
  return o;
}

class NamespaceQdrantTest : public ::testing::Test {
 protected:
  explicit NamespaceQdrantTest(std::chrono::milliseconds timeout = 2s)
      : fake_(fake_options()), client_(client_for(fake_, timeout)), api_(client_.get()) {
    fake_.set_points_count(k_collection, 1200);
  }

  http_result create(std::string_view name, boost::json::array indexes = {}) {
    return api_.create(name, {{"infrastructure", {{"qdrant_collection", k_collection}}},
                              {"payload_indexes", std::move(indexes)}});
  }

  http_result patch_indexes(std::string_view name, const boost::json::array& indexes,
                            std::map<std::string, std::string> headers = {}) {
    return api_.call("PATCH", "/v1/namespaces/" + std::string(name),
                     boost::json::serialize(boost::json::object{{"payload_indexes", indexes}}),
                     std::move(headers));
  }

  boost::json::value stored(std::string_view name) {
    const auto r = api_.call("GET", "/v1/namespaces/" + std::string(name));
    EXPECT_EQ(r.status, 200u) << r.body;
    return body_of(r);
  }

  ::testing::AssertionResult matches_qdrant(std::string_view name) {
    return namespace_matches_qdrant(stored(name), fake_.payload_schema(k_collection));
  }

  fake_qdrant fake_;
  std::unique_ptr<qdrant_gateway> client_;
  namespace_api_fixture api_;
};

boost::json::object keyword(std::string_view field) {
  return {{"field_name", field}, {"type", "keyword"}};
}

boost::json::object tenant_keyword(std::string_view field) {
  return {{"field_name", field}, {"type", "keyword"}, {"field_schema", {{"is_tenant", true}}}};
}

TEST_F(NamespaceQdrantTest, CreateBuildsTheIndexesAndReportsTheDocumentCount) {
  const auto r = create("shop", {keyword("brand")});
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(body_of(r).at("document_count"), 1200);
  EXPECT_EQ(fake_.index_fields(k_collection).size(), default_protected_indexes().size() + 1);
  EXPECT_TRUE(matches_qdrant("shop"));
  EXPECT_EQ(stored("shop").at("document_count"), 1200);
}

// document_count comes from one collection read per document_count_ttl: responses in between
// reuse it (no Qdrant call); a failed read is not reused, so a recovered Qdrant is asked again at
// once. A TTL of an hour keeps the test independent of how fast the machine is.
TEST(NamespaceDocumentCount, IsReadFromQdrantOncePerTtlAndFailuresAreNotReused) {
  fake_qdrant fake(fake_options());
  fake.set_points_count(k_collection, 1200);
  const auto client = client_for(fake);
  namespace_api_fixture api(client.get(), {}, std::chrono::hours(1));
  const std::string collection_path = std::string("/collections/") + k_collection;
  ASSERT_EQ(api.create("shop", {{"infrastructure", {{"qdrant_collection", k_collection}}}}).status,
            200u);

  fake.fail_collection(k_collection, 503);
  auto r = api.call("GET", "/v1/namespaces/shop");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_TRUE(body_of(r).at("document_count").is_null());
  fake.clear_collection_failure(k_collection);
  fake.clear_requests();
  for (int i = 0; i < 5; ++i) {
    r = api.call(i % 2 ? "GET" : "PATCH", "/v1/namespaces/shop", i % 2 ? "" : "{}");
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(body_of(r).at("document_count"), 1200);
    fake.set_points_count(k_collection, 5000);  // not seen before the TTL runs out
  }
  EXPECT_EQ(fake.count_requests("GET", collection_path), 1u);
}

TEST(NamespaceDocumentCount, AZeroTtlReadsQdrantForEveryResponse) {
  fake_qdrant fake(fake_options());
  fake.set_points_count(k_collection, 1200);
  const auto client = client_for(fake);
  namespace_api_fixture api(client.get(), {}, std::chrono::milliseconds(0));
  ASSERT_EQ(api.create("shop", {{"infrastructure", {{"qdrant_collection", k_collection}}}}).status,
            200u);
  fake.clear_requests();
  for (const std::uint64_t count : {10u, 20u, 30u}) {
    fake.set_points_count(k_collection, count);
    const auto r = api.call("GET", "/v1/namespaces/shop");
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(body_of(r).at("document_count"), count);
  }
  EXPECT_EQ(fake.count_requests("GET", std::string("/collections/") + k_collection), 3u);
}

TEST_F(NamespaceQdrantTest, CreateLeavesIndexesQdrantAlreadyHasAlone) {
  fake_.state().create_index(k_collection, "internal_id",
                             boost::json::parse(R"({"type": "keyword", "is_tenant": true})"));
  fake_.state().create_index(k_collection, "brand", boost::json::value("keyword"));
  fake_.clear_requests();
  ASSERT_EQ(create("shop", {keyword("brand")}).status, 200u);
  EXPECT_EQ(fake_.count_requests("PUT", k_index_path), default_protected_indexes().size() - 1);
  EXPECT_TRUE(matches_qdrant("shop"));
}

TEST_F(NamespaceQdrantTest, CreateNeedsAnExistingCollection) {
  auto r = api_.create("nocollection");  // defaults to the (new, random) namespace id
  ASSERT_EQ(r.status, 422u) << r.body;
  EXPECT_EQ(body_of(r).at("error").at("details").at("validation_errors").at(0).at("location"),
            boost::json::array({"body", "infrastructure", "qdrant_collection"}));
  r = api_.create("missing", {{"infrastructure", {{"qdrant_collection", "absent"}}}});
  EXPECT_EQ(r.status, 422u);
  EXPECT_EQ(api_.call("GET", "/v1/namespaces/missing").status, 404u);
}

TEST_F(NamespaceQdrantTest, AFailedCreateStoresNothing) {
  fake_.fail_next(1, 500, "PUT", k_index_path);
  const auto r = create("shop", {keyword("brand")});
  ASSERT_EQ(r.status, 502u) << r.body;
  EXPECT_EQ(error_type(r), "BadGatewayError");
  EXPECT_EQ(body_of(r).at("error").at("details").at("failed").as_array().size(), 1u);
  EXPECT_EQ(api_.call("GET", "/v1/namespaces/shop").status, 404u);
  // Retrying succeeds and re-sends nothing twice.
  ASSERT_EQ(create("shop", {keyword("brand")}).status, 200u);
  EXPECT_TRUE(matches_qdrant("shop"));
}

TEST_F(NamespaceQdrantTest, PatchCreatesDeletesThenRebuildsInQdrantBeforeStoring) {
  ASSERT_EQ(create("shop", {keyword("a"), keyword("b")}).status, 200u);
  fake_.clear_requests();
  const auto r = patch_indexes("shop", {tenant_keyword("b"), keyword("c")});
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(body_of(r).at("document_count"), 1200);
  std::vector<std::string> calls;
  for (const auto& request : fake_.requests()) {
    if (request.path().starts_with(k_index_path))
      calls.push_back(request.method + " " + request.body);
  }
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(calls[0], R"(PUT {"field_name":"c","field_schema":"keyword"})");
  EXPECT_TRUE(calls[1].starts_with("DELETE"));
  EXPECT_EQ(calls[2],
            R"(PUT {"field_name":"b","field_schema":{"type":"keyword","is_tenant":true}})");
  EXPECT_TRUE(matches_qdrant("shop"));
}

TEST_F(NamespaceQdrantTest, SpecPatchExampleWithQdrant) {
  ASSERT_EQ(create("spotify_playlists_dev").status, 200u);
  fake_.clear_requests();
  const auto r = api_.call("PATCH", "/v1/namespaces/spotify_playlists_dev",
                           R"({"namespace_name": "spotify_playlists_prod",
                               "auto_create_indexes": true})");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(body_of(r).at("namespace_name"), "spotify_playlists_prod");
  EXPECT_EQ(body_of(r).at("document_count"), 1200);
  EXPECT_EQ(fake_.count_requests("PUT"), 0u);  // no index changed, no index call
  EXPECT_EQ(fake_.count_requests("DELETE"), 0u);
}

TEST_F(NamespaceQdrantTest, RefusedRequestsNeverReachQdrant) {
  ASSERT_EQ(create("shop", {keyword("a")}).status, 200u);
  fake_.clear_requests();
  EXPECT_EQ(patch_indexes("shop", {keyword("document_id")}).status, 403u);
  EXPECT_EQ(patch_indexes("shop", {keyword("b")}, {{"If-Match", "\"7\""}}).status, 412u);
  EXPECT_EQ(api_.call("PATCH", "/v1/namespaces/shop", R"({"payload_indexes": 3})").status, 422u);
  EXPECT_EQ(fake_.count_requests("PUT"), 0u);
  EXPECT_EQ(fake_.count_requests("DELETE"), 0u);
}

// Sent on to Qdrant, `metadata.a/b` would be refused there after `c` was built: a 502 with half
// of the change applied. Checked against Qdrant's path grammar first, nothing reaches Qdrant.
TEST_F(NamespaceQdrantTest, AFieldPathQdrantCannotParseIs422BeforeAnythingIsApplied) {
  ASSERT_EQ(create("shop", {keyword("a")}).status, 200u);
  fake_.clear_requests();
  const auto r = patch_indexes("shop", {keyword("c"), keyword("metadata.a/b")});
  ASSERT_EQ(r.status, 422u) << r.body;
  EXPECT_EQ(error_type(r), "ValidationError");
  const auto body = body_of(r);
  const auto& errors = body.at("error").at("details").at("validation_errors").as_array();
  ASSERT_EQ(errors.size(), 1u) << r.body;
  EXPECT_EQ(errors[0].at("type"), "value_error");
  EXPECT_EQ(errors[0].at("location"),
            boost::json::array({"body", "payload_indexes", 1, "field_name"}));
  EXPECT_NE(errors[0].at("message").as_string().find(
                "'/' at character 11 is not allowed in an unquoted key"),
            std::string::npos)
      << r.body;
  EXPECT_EQ(fake_.count_requests("PUT"), 0u);
  EXPECT_EQ(fake_.count_requests("DELETE"), 0u);
  const auto ns = stored("shop");
  ASSERT_EQ(user_indexes(ns).size(), 1u);
  EXPECT_EQ(user_indexes(ns).at(0).at("field_name"), "a");
  EXPECT_TRUE(matches_qdrant("shop"));

  // The same on create and on PUT: refused whole, nothing built.
  EXPECT_EQ(create("other", {keyword("c"), keyword("tags[x]")}).status, 422u);
  EXPECT_EQ(api_.call("PUT", "/v1/namespaces/shop",
                      R"({"namespace_name": "shop", "payload_indexes": [
                            {"field_name": "c", "type": "keyword"},
                            {"field_name": "a..b", "type": "keyword"}]})")
                .status,
            422u);
  EXPECT_EQ(fake_.count_requests("PUT"), 0u);
  EXPECT_EQ(fake_.count_requests("DELETE"), 0u);

  // What Qdrant does parse goes through: a quoted key holds any character but '"' and '\'.
  const auto quoted = patch_indexes("shop", {keyword("a"), keyword(R"(metadata."a/b")")});
  ASSERT_EQ(quoted.status, 200u) << quoted.body;
  EXPECT_TRUE(matches_qdrant("shop"));
}

TEST_F(NamespaceQdrantTest, AFailedOperationIs502AndOnlyTheAppliedOnesAreStored) {
  ASSERT_EQ(create("shop", {keyword("a"), keyword("b")}).status, 200u);
  // create c (applied), delete a (refused), rebuild b (never sent)
  fake_.fail_next(1, 400, "DELETE", k_index_path);
  const auto r = patch_indexes("shop", {tenant_keyword("b"), keyword("c")});
  ASSERT_EQ(r.status, 502u) << r.body;
  const auto details = body_of(r).at("error").at("details");
  EXPECT_EQ(details.at("collection"), k_collection);
  EXPECT_EQ(details.at("applied").at(0).at("field_name"), "c");
  EXPECT_EQ(details.at("failed").at(0).at("field_name"), "a");
  EXPECT_EQ(details.at("failed").at(0).at("action"), "delete");
  EXPECT_EQ(details.at("not_attempted").at(0).at("field_name"), "b");
  EXPECT_EQ(details.at("stored_version"), 2);
  EXPECT_EQ(r.header("etag"), "\"2\"");
  const auto ns = stored("shop");
  std::set<std::string> user;
  for (const auto& index : user_indexes(ns))
    user.insert(std::string(index.at("field_name").as_string()));
  EXPECT_EQ(user, (std::set<std::string>{"a", "b", "c"}));
  EXPECT_TRUE(matches_qdrant("shop"));
}

TEST_F(NamespaceQdrantTest, ADroppedConnectionIsCheckedAgainstQdrant) {
  ASSERT_EQ(create("shop").status, 200u);
  // Dropped before it changes anything; twice, because the client resends once at once when a
  // reused connection fails before any answer (docs/qdrant.md).
  fake_.drop_next(2, "PUT", k_index_path);
  const auto r = patch_indexes("shop", {keyword("a")});
  ASSERT_EQ(r.status, 502u) << r.body;
  EXPECT_EQ(body_of(r).at("error").at("details").at("failed").at(0).at("field_name"), "a");
  EXPECT_TRUE(matches_qdrant("shop"));
  EXPECT_EQ(api_.call("GET", "/v1/namespaces/shop").header("etag"), "\"1\"");  // nothing stored
}

TEST_F(NamespaceQdrantTest, AnUnreadableQdrantLeavesTheOutcomeUnknownAndClaimsNothing) {
  ASSERT_EQ(create("shop", {keyword("a")}).status, 200u);
  fake_.fail_collection(k_collection, 503);
  auto r = patch_indexes("shop", {keyword("b")});  // delete a, create b: both unanswerable
  ASSERT_EQ(r.status, 502u) << r.body;
  const auto details = body_of(r).at("error").at("details");
  EXPECT_EQ(details.at("unknown").at(0).at("field_name"), "b");
  r = api_.call("GET", "/v1/namespaces/shop");
  ASSERT_EQ(r.status, 200u);
  EXPECT_TRUE(body_of(r).at("document_count").is_null());
  fake_.clear_collection_failure(k_collection);
  EXPECT_TRUE(matches_qdrant("shop"));
}

TEST_F(NamespaceQdrantTest, DeleteLeavesTheCollectionAndItsIndexesAlone) {
  ASSERT_EQ(create("shop", {keyword("a")}).status, 200u);
  const auto before = fake_.payload_schema(k_collection);
  fake_.clear_requests();
  ASSERT_EQ(api_.call("DELETE", "/v1/namespaces/shop").status, 200u);
  EXPECT_EQ(fake_.count_requests("DELETE"), 0u);
  EXPECT_EQ(fake_.payload_schema(k_collection), before);
}

// Random index lists under random faults: after every answer (200 or 502) the stored namespace
// equals the collection.
TEST_F(NamespaceQdrantTest, UnderRandomFaultsTheNamespaceAlwaysEqualsQdrant) {
  ASSERT_EQ(create("shop").status, 200u);
  std::mt19937 random(20240515);
  const std::vector<std::string> pool{"a", "b", "c", "d", "e", "f"};
  int failures = 0;
  for (int round = 0; round < 40; ++round) {
    boost::json::array wanted;
    for (const auto& field : pool) {
      switch (random() % 3) {
        case 0:
          break;
        case 1:
          wanted.push_back(keyword(field));
          break;
        default:
          wanted.push_back(tenant_keyword(field));
      }
    }
    switch (random() % 5) {
      case 0:
        fake_.fail_next(1, 503, random() % 2 ? "PUT" : "DELETE", k_index_path);
        break;
      case 1:
        fake_.fail_next(1, 400, "PUT", k_index_path);
        break;
      case 2:
        fake_.drop_next(2, random() % 2 ? "PUT" : "DELETE", k_index_path);
        break;
      default:
        break;
    }
    const auto r = patch_indexes("shop", wanted);
    ASSERT_TRUE(r.status == 200u || r.status == 502u) << r.status << " " << r.body;
    if (r.status == 502u) ++failures;
    fake_.clear_faults();
    ASSERT_TRUE(matches_qdrant("shop")) << "round " << round << ": " << r.body;
  }
  EXPECT_GT(failures, 0);
}

// 50 clients each add their own index to one namespace at once (GET + If-Match, retry on 412):
// all 50 are stored, and Qdrant has exactly those.
TEST_F(NamespaceQdrantTest, FiftyParallelPatchesLoseNoIndexInTheRegistryOrQdrant) {
  ASSERT_EQ(create("contended").status, 200u);
  constexpr int k_clients = 50;
  std::vector<std::future<unsigned>> clients;
  for (int c = 0; c < k_clients; ++c) {
    clients.push_back(std::async(std::launch::async, [&, c] {
      for (int attempt = 0; attempt < 500; ++attempt) {
        const auto got = api_.call("GET", "/v1/namespaces/contended");
        if (got.status != 200u) return got.status;
        auto indexes = user_indexes(parse_json(got.body));
        indexes.push_back(keyword("field_" + std::to_string(c)));
        const auto patched =
            patch_indexes("contended", indexes, {{"If-Match", got.header("etag")}});
        if (patched.status == 412u || patched.status == 503u) continue;
        return patched.status;
      }
      return 0u;
    }));
  }
  for (auto& c : clients)
    EXPECT_EQ(c.get(), 200u);
  const auto ns = stored("contended");
  EXPECT_EQ(user_indexes(ns).size(), static_cast<std::size_t>(k_clients));
  EXPECT_TRUE(namespace_matches_qdrant(ns, fake_.payload_schema(k_collection)));
}

// A slow Qdrant: the call times out but was applied. The writer reads the collection back,
// finds the index, and records it.
class NamespaceSlowQdrantTest : public NamespaceQdrantTest {
 protected:
  NamespaceSlowQdrantTest() : NamespaceQdrantTest(1s) {}
};

TEST_F(NamespaceSlowQdrantTest, ATimedOutButAppliedCallIsRecorded) {
  ASSERT_EQ(create("shop").status, 200u);
  fake_.clear_requests();
  fake_.set_response_delay(3s);
  auto patched =
      std::async(std::launch::async, [&] { return patch_indexes("shop", {keyword("a")}); });
  // Once the PUT is in (and applied), later answers come at once again.
  ASSERT_TRUE(wait_until([&] { return fake_.count_requests("PUT", k_index_path) == 1; }, 10s));
  fake_.clear_faults();
  const auto r = patched.get();
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(user_indexes(body_of(r)).size(), 1u);
  EXPECT_TRUE(matches_qdrant("shop"));
}

// Qdrant answers each call after k_held, so a test can act while a PATCH is inside Qdrant; the
// client waits longer than that. The hold must outlast what the test does meanwhile (a registry
// write), which on a loaded host under the sanitizers can take well over 300 ms.
constexpr auto k_held = 2s;

class NamespaceHeldQdrantTest : public NamespaceQdrantTest {
 protected:
  NamespaceHeldQdrantTest() : NamespaceQdrantTest(10s) {}
};

// A change Qdrant applied but that cannot be stored (the name was taken meanwhile) is undone.
TEST_F(NamespaceHeldQdrantTest, AnUnstorableChangeIsUndoneInQdrant) {
  ASSERT_EQ(create("shop").status, 200u);
  ASSERT_EQ(create("other").status, 200u);
  fake_.clear_requests();
  fake_.set_response_delay(k_held);
  auto renaming = std::async(std::launch::async, [&] {
    return api_.call("PATCH", "/v1/namespaces/shop",
                     R"({"namespace_name": "wanted", "payload_indexes": [{"field_name": "a",
                         "type": "keyword"}]})");
  });
  ASSERT_TRUE(wait_until([&] { return fake_.count_requests("PUT", k_index_path) == 1; }, 10s));
  // "other" takes the name while shop's index is being built (no Qdrant call: no index change).
  EXPECT_EQ(api_.call("PATCH", "/v1/namespaces/other", R"({"namespace_name": "wanted"})").status,
            200u);
  const auto r = renaming.get();
  fake_.clear_faults();
  ASSERT_EQ(r.status, 409u) << r.body;
  EXPECT_EQ(fake_.count_requests("DELETE", k_index_path + "/a"), 1u);
  EXPECT_TRUE(matches_qdrant("shop"));
  EXPECT_EQ(stored("shop").at("namespace_name"), "shop");
}

// A writer that does not take the lock (registry.update) bumps the version while a PATCH with
// If-Match is inside Qdrant: the PATCH answers 412 and its Qdrant change is undone.
TEST_F(NamespaceHeldQdrantTest, ALostRaceUnderIfMatchIsUndone) {
  const auto created = create("shop");
  ASSERT_EQ(created.status, 200u);
  const std::string id(body_of(created).at("namespace_id").as_string());
  fake_.clear_requests();
  fake_.set_response_delay(k_held);
  auto patching = std::async(std::launch::async, [&] {
    return patch_indexes("shop", {keyword("a")}, {{"If-Match", "\"1\""}});
  });
  ASSERT_TRUE(wait_until([&] { return fake_.count_requests("PUT", k_index_path) == 1; }, 10s));
  auto bumped = api_.writer->registry().update(id, [](const namespace_model& ns) {
    auto next = ns;
    next.description = "changed behind the lock";
    return std::optional<namespace_model>(next);
  });
  ASSERT_TRUE(bumped) << bumped.error().message;
  const auto r = patching.get();
  fake_.clear_faults();
  ASSERT_EQ(r.status, 412u) << r.body;
  EXPECT_TRUE(matches_qdrant("shop"));
  EXPECT_EQ(stored("shop").at("description"), "changed behind the lock");
}

// One meaning of "applied" (index_changes.hpp): Qdrant's `wait_timeout` and `acknowledged` say the
// operation is not finished, so a PATCH records nothing of it and says so with 504, whatever
// Qdrant shows meanwhile; re-sending the PATCH once the build is done records it without a
// second build.
TEST_F(NamespaceQdrantTest, ABuildThatOutlastsTheWaitIs504AndIsRecordedOnlyOnceFinished) {
  ASSERT_EQ(create("shop").status, 200u);
  fake_.state().set_hold_index_builds(true);
  fake_.clear_requests();
  auto r = patch_indexes("shop", {keyword("a"), keyword("b")});
  ASSERT_EQ(r.status, 504u) << r.body;
  EXPECT_EQ(error_type(r), "GatewayTimeoutError");
  const auto details = body_of(r).at("error").at("details");
  EXPECT_EQ(details.at("pending").at(0).at("field_name"), "a");
  EXPECT_EQ(details.at("pending").at(0).at("qdrant_status"), "wait_timeout");
  EXPECT_EQ(details.at("not_attempted").at(0).at("field_name"), "b");
  EXPECT_EQ(fake_.count_requests("PUT", k_index_path), 1u);  // nothing after the unfinished one
  EXPECT_TRUE(user_indexes(stored("shop")).empty());
  EXPECT_TRUE(matches_qdrant("shop"));

  fake_.state().set_hold_index_builds(false);
  ASSERT_EQ(fake_.state().release_pending_indexes(), 1u);  // Qdrant finishes the build
  const auto builds = fake_.state().index_builds();
  r = patch_indexes("shop", {keyword("a"), keyword("b")});
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(user_indexes(body_of(r)).size(), 2u);
  EXPECT_EQ(fake_.state().index_builds(), builds + 1);  // b only: a's re-send was a no-op
  EXPECT_TRUE(matches_qdrant("shop"));
}

// `acknowledged` (queued in Qdrant's WAL) is not `completed` either, even when Qdrant happens to
// show the index by the time anyone looks: the answer, not a later read, decides.
TEST_F(NamespaceQdrantTest, AnAcknowledgedIndexChangeIsNotRecordedUntilQdrantCompletesIt) {
  ASSERT_EQ(create("shop").status, 200u);
  fake_.state().set_index_operation_status("acknowledged");
  auto r = patch_indexes("shop", {keyword("a")});
  ASSERT_EQ(r.status, 504u) << r.body;
  const auto details = body_of(r).at("error").at("details");
  EXPECT_EQ(details.at("pending").at(0).at("qdrant_status"), "acknowledged");
  EXPECT_EQ(details.at("stored_version"), 1);
  EXPECT_TRUE(user_indexes(stored("shop")).empty());
  EXPECT_TRUE(
      namespace_claims_only_qdrant_indexes(stored("shop"), fake_.payload_schema(k_collection)));

  fake_.state().set_index_operation_status(std::nullopt);
  const auto builds = fake_.state().index_builds();
  r = patch_indexes("shop", {keyword("a")});
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(user_indexes(body_of(r)).size(), 1u);
  EXPECT_EQ(fake_.state().index_builds(), builds);
  EXPECT_TRUE(matches_qdrant("shop"));
}

// The writer as the optimizer uses it (write_options): the change sees Qdrant's index list read
// under the lock, and hooks confirm the caller may still act before the Qdrant call and before
// the store.
class NamespaceWriterOptionsTest : public NamespaceQdrantTest {
 protected:
  std::string created_id(std::string_view name) {
    const auto r = create(name);
    EXPECT_EQ(r.status, 200u) << r.body;
    return std::string(body_of(r).at("namespace_id").as_string());
  }

  static payload_index_config keyword_index(std::string field) {
    payload_index_config index;
    index.field_name = std::move(field);
    index.type = index_type::keyword;
    return index;
  }

  // A change that lists `field` as a keyword index.
  static namespace_change_in_context listing(std::string field) {
    return [field](const change_context& context) -> change_outcome {
      auto next = context.current;
      next.payload_indexes.push_back(keyword_index(field));
      return next;
    };
  }

  namespace_writer& writer() { return *api_.writer; }
};

TEST_F(NamespaceWriterOptionsTest, TheChangeSeesQdrantsIndexesAndWhatQdrantHasIsNotSentAgain) {
  const auto id = created_id("shop");
  fake_.state().create_index(k_collection, "brand", boost::json::value("keyword"));
  fake_.clear_requests();
  write_options options;
  options.read_qdrant_indexes = true;
  bool saw_brand = false;
  const auto written = writer().update(
      id,
      [&](const change_context& context) -> change_outcome {
        saw_brand = context.qdrant_indexes != nullptr && context.qdrant_indexes->contains("brand");
        return listing("brand")(context);
      },
      options);
  ASSERT_EQ(written.status, write_status::stored) << written.message;
  EXPECT_TRUE(saw_brand);
  EXPECT_EQ(fake_.count_requests("PUT", k_index_path), 0u);
  EXPECT_EQ(fake_.count_requests("GET", std::string("/collections/") + k_collection), 1u);
  EXPECT_TRUE(matches_qdrant("shop"));
}

TEST_F(NamespaceWriterOptionsTest, AWriteWithdrawnBeforeTheQdrantCallSendsAndStoresNothing) {
  const auto id = created_id("shop");
  fake_.clear_requests();
  write_options options;
  int asked = 0;
  options.confirm_before_qdrant = [&] {
    ++asked;
    return false;
  };
  const auto written = writer().update(id, listing("a"), options);
  EXPECT_EQ(written.status, write_status::withdrawn) << written.message;
  EXPECT_EQ(asked, 1);
  EXPECT_EQ(fake_.count_requests("PUT"), 0u);
  EXPECT_EQ(api_.call("GET", "/v1/namespaces/shop").header("etag"), "\"1\"");
  EXPECT_TRUE(matches_qdrant("shop"));
}

// Withdrawn after Qdrant built the index: not stored, and not undone either (a caller that may no
// longer act makes no more calls; the optimizer's next leader adopts the index).
TEST_F(NamespaceWriterOptionsTest, AWriteWithdrawnBeforeTheStoreLeavesWhatQdrantBuilt) {
  const auto id = created_id("shop");
  fake_.clear_requests();
  write_options options;
  options.confirm_before_qdrant = [] { return true; };
  options.confirm_before_store = [] { return false; };
  const auto written = writer().update(id, listing("a"), options);
  EXPECT_EQ(written.status, write_status::withdrawn) << written.message;
  ASSERT_EQ(written.reports.size(), 1u);
  EXPECT_EQ(written.reports[0].outcome, operation_outcome::applied);
  ASSERT_TRUE(written.reports[0].answer);
  EXPECT_EQ(written.reports[0].answer->status, "completed");
  EXPECT_EQ(fake_.count_requests("DELETE"), 0u);
  EXPECT_TRUE(fake_.payload_schema(k_collection).contains("a"));
  EXPECT_EQ(api_.call("GET", "/v1/namespaces/shop").header("etag"), "\"1\"");
}

// The store fails after Qdrant applied the change (another namespace takes the name at that
// moment): the admin API's default undoes the index, `keep` leaves it.
TEST_F(NamespaceWriterOptionsTest, AChangeThatCannotBeStoredIsUndoneOrKeptAsAsked) {
  for (const auto unstored : {unstored_qdrant_changes::undo, unstored_qdrant_changes::keep}) {
    const bool keep = unstored == unstored_qdrant_changes::keep;
    const std::string field = keep ? "kept" : "undone";
    const auto id = created_id("shop_" + field);
    ASSERT_EQ(create("other_" + field).status, 200u);
    fake_.clear_requests();
    write_options options;
    options.unstored = unstored;
    options.confirm_before_store = [&] {
      const auto taken = api_.call("PATCH", "/v1/namespaces/other_" + field,
                                   R"({"namespace_name": "wanted_)" + field + R"("})");
      EXPECT_EQ(taken.status, 200u) << taken.body;
      return true;
    };
    const auto written = writer().update(
        id,
        [&](const change_context& context) -> change_outcome {
          auto next = context.current;
          next.namespace_name = "wanted_" + field;
          next.payload_indexes.push_back(keyword_index(field));
          return next;
        },
        options);
    EXPECT_EQ(written.status, write_status::name_taken) << written.message;
    EXPECT_EQ(fake_.count_requests("DELETE", k_index_path + "/" + field), keep ? 0u : 1u);
    EXPECT_EQ(fake_.payload_schema(k_collection).contains(field), keep) << field;
  }
}

}  // namespace
}  // namespace index_optimizer
