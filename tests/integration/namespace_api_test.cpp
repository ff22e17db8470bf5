// The namespace HTTP API in catalog-only mode (no Qdrant): every status path, ETag/If-Match,
// permissions, listing, and concurrent writers over real sockets and a real redis-server.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include <atomic>
#include <future>
#include <set>
#include <thread>

#include "namespace_api_fixture.hpp"
#include "namespace_registry/namespace_lock.hpp"
#include "unit/namespace_test_support.hpp"

namespace index_optimizer {
namespace {

using testing::http_result;
using testing::index_names;
using testing::k_spec_create;
using testing::namespace_api_fixture;
using testing::parse_json;
using testing::user_indexes;

boost::json::value body_of(const http_result& r) {
  return parse_json(r.body);
}

std::string error_type(const http_result& r) {
  return std::string(body_of(r).at("error").at("type").as_string());
}

// NamespaceModel's properties, in the spec's order.
const std::vector<std::string> k_namespace_model_keys{
    "namespace_id",        "namespace_name",       "namespace_type",     "infrastructure",
    "cluster_id",          "description",          "feature_extractors", "payload_indexes",
    "document_count",      "bucket_count",         "collection_count",   "object_count",
    "auto_create_indexes", "vector_inference_map", "created_at",         "updated_at"};

std::vector<std::string> keys_of(const boost::json::value& v) {
  std::vector<std::string> out;
  for (const auto& [k, _] : v.as_object())
    out.emplace_back(k);
  return out;
}

TEST(NamespaceApi, CreateAnswersTheFullModelWithProtectedIndexesAndAnEtag) {
  namespace_api_fixture api;
  const auto r = api.call("POST", "/v1/namespaces", k_spec_create);
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.header("etag"), "\"1\"");
  const auto ns = body_of(r);
  EXPECT_EQ(keys_of(ns), k_namespace_model_keys);
  EXPECT_TRUE(ns.at("namespace_id").as_string().starts_with("ns_"));
  EXPECT_EQ(ns.at("namespace_name"), "spotify_playlists_dev");
  EXPECT_EQ(ns.at("auto_create_indexes"), true);
  EXPECT_TRUE(ns.at("document_count").is_null());  // catalog-only
  const auto names = index_names(ns);
  EXPECT_EQ(names.front(), "internal_id");
  EXPECT_EQ(user_indexes(ns).size(), 2u);
  EXPECT_EQ(names.size(), default_protected_indexes().size() + 2);
  EXPECT_EQ(ns.at("created_at"), ns.at("updated_at"));
}

TEST(NamespaceApi, CreateTakesUnsetFieldsFromTheConfigDefaults) {
  namespace_api_fixture api(nullptr, [](config& c) {
    c.namespaces.default_auto_create_indexes = true;
    c.namespaces.default_compute_tier = "dedicated_cpu";
  });
  auto r = api.create("defaults", {{"infrastructure", {{"qdrant_collection", "products"}}}});
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(body_of(r).at("auto_create_indexes"), true);
  EXPECT_EQ(body_of(r).at("infrastructure").at("compute_tier"), "dedicated_cpu");
  // Explicit values win over the defaults.
  r = api.create("explicit", {{"auto_create_indexes", false},
                              {"infrastructure",
                               {{"qdrant_collection", "products"}, {"compute_tier", "shared"}}}});
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(body_of(r).at("auto_create_indexes"), false);
  EXPECT_EQ(body_of(r).at("infrastructure").at("compute_tier"), "shared");
}

TEST(NamespaceApi, CreateWithATakenNameIs409) {
  namespace_api_fixture api;
  ASSERT_EQ(api.create("dup").status, 200u);
  const auto r = api.create("dup");
  EXPECT_EQ(r.status, 409u);
  EXPECT_EQ(error_type(r), "AlreadyExistsError");
  EXPECT_EQ(body_of(r).at("error").at("details").at("field"), "namespace_name");
}

TEST(NamespaceApi, InvalidBodiesAre422WithEveryFieldError) {
  namespace_api_fixture api;
  auto r = api.call("POST", "/v1/namespaces", R"({"namespace_name": 5})");
  ASSERT_EQ(r.status, 422u);
  EXPECT_EQ(error_type(r), "ValidationError");
  const auto errors = body_of(r).at("error").at("details").at("validation_errors").as_array();
  ASSERT_EQ(errors.size(), 2u);  // the wrong type and the missing feature_extractors
  EXPECT_EQ(errors[0].at("type"), "string_type");
  EXPECT_EQ(errors[0].at("location"), boost::json::array({"body", "namespace_name"}));

  ASSERT_EQ(api.create("valid").status, 200u);
  r = api.call("PATCH", "/v1/namespaces/valid", "{not json");
  EXPECT_EQ(r.status, 422u);
  r = api.call("PATCH", "/v1/namespaces/valid", R"({"auto_create_index": true})");
  ASSERT_EQ(r.status, 422u);
  EXPECT_EQ(body_of(r).at("error").at("details").at("validation_errors").at(0).at("type"),
            "extra_forbidden");
}

TEST(NamespaceApi, ProtectedIndexesAre403NamingTheField) {
  namespace_api_fixture api;
  auto r = api.create("guarded",
                      {{"payload_indexes",
                        boost::json::array{{{"field_name", "document_id"}, {"type", "integer"}}}}});
  ASSERT_EQ(r.status, 403u) << r.body;
  EXPECT_EQ(error_type(r), "ForbiddenError");
  EXPECT_EQ(body_of(r).at("error").at("details").at("field_name"), "document_id");

  ASSERT_EQ(api.create("guarded").status, 200u);
  r = api.call("PATCH", "/v1/namespaces/guarded",
               R"({"payload_indexes": [{"field_name": "created_at", "type": "keyword"}]})");
  ASSERT_EQ(r.status, 403u) << r.body;
  EXPECT_EQ(body_of(r).at("error").at("details").at("field_name"), "created_at");
  EXPECT_EQ(api.call("GET", "/v1/namespaces/guarded").header("etag"), "\"1\"");
}

TEST(NamespaceApi, GetFindsByIdOrNameAndUnknownIs404WithDetails) {
  namespace_api_fixture api;
  const auto created = body_of(api.create("findme"));
  const std::string id(created.at("namespace_id").as_string());
  EXPECT_EQ(body_of(api.call("GET", "/v1/namespaces/" + id)), created);
  EXPECT_EQ(body_of(api.call("GET", "/v1/namespaces/findme")), created);
  const auto r = api.call("GET", "/v1/namespaces/ns_123");
  ASSERT_EQ(r.status, 404u);
  EXPECT_EQ(body_of(r), boost::json::parse(R"({"success": false, "status": 404, "error": {
      "message": "Namespace not found", "type": "NotFoundError",
      "details": {"resource": "namespace", "id": "ns_123"}}})"));
  EXPECT_EQ(api.call("PATCH", "/v1/namespaces/nope", "{}").status, 404u);
  EXPECT_EQ(api.call("PUT", "/v1/namespaces/nope", R"({"namespace_name": null,
      "payload_indexes": null})")
                .status,
            404u);
  EXPECT_EQ(api.call("DELETE", "/v1/namespaces/nope").status, 404u);
}

TEST(NamespaceApi, SpecPatchExampleAppliesAndAnswersTheDocumentedShape) {
  namespace_api_fixture api;
  const auto created = body_of(api.call("POST", "/v1/namespaces", k_spec_create));
  const std::string id(created.at("namespace_id").as_string());
  const auto r = api.call("PATCH", "/v1/namespaces/spotify_playlists_dev",
                          R"({"namespace_name": "spotify_playlists_prod",
                              "auto_create_indexes": true})");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.header("etag"), "\"2\"");
  const auto ns = body_of(r);
  EXPECT_EQ(keys_of(ns), k_namespace_model_keys);
  EXPECT_EQ(ns.at("namespace_id").as_string(), id);
  EXPECT_EQ(ns.at("namespace_name"), "spotify_playlists_prod");
  EXPECT_EQ(ns.at("auto_create_indexes"), true);
  EXPECT_EQ(ns.at("description"), created.at("description"));
  EXPECT_EQ(ns.at("payload_indexes"), created.at("payload_indexes"));
  EXPECT_EQ(ns.at("created_at"), created.at("created_at"));
  EXPECT_NE(ns.at("updated_at"), created.at("updated_at"));
  EXPECT_TRUE(ns.at("document_count").is_null());
  EXPECT_EQ(api.call("GET", "/v1/namespaces/spotify_playlists_prod").status, 200u);
  EXPECT_EQ(api.call("GET", "/v1/namespaces/spotify_playlists_dev").status, 404u);
}

TEST(NamespaceApi, PatchLeavesAbsentAndNullFieldsAloneAndRepeatsAreNoOps) {
  namespace_api_fixture api;
  const auto created = body_of(api.call("POST", "/v1/namespaces", k_spec_create));
  auto r = api.call("PATCH", "/v1/namespaces/spotify_playlists_dev",
                    R"({"namespace_name": null, "description": null, "payload_indexes": null,
                        "auto_create_indexes": null, "infrastructure": null})");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(body_of(r), created);
  EXPECT_EQ(r.header("etag"), "\"1\"");

  r = api.call("PATCH", "/v1/namespaces/spotify_playlists_dev", R"({"description": "new"})");
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.header("etag"), "\"2\"");
  const auto once = body_of(r);
  r = api.call("PATCH", "/v1/namespaces/spotify_playlists_dev", R"({"description": "new"})");
  EXPECT_EQ(r.header("etag"), "\"2\"");
  EXPECT_EQ(body_of(r), once);
}

// A PATCH that changes nothing (a client re-applying its desired state) is answered from the
// namespace as read, without queueing for the write lock: it succeeds while another writer (an
// optimizer run, another client's index build) holds the lock, where a real change waits and
// answers 503 once the lock wait (here 100 ms, half the request timeout) is over.
TEST(NamespaceApi, ANoOpPatchIsAnsweredWhileAnotherWriterHoldsTheLock) {
  namespace_api_fixture api(
      nullptr, [](config& c) { c.http.request_timeout = std::chrono::milliseconds(200); });
  const auto created = api.create("held", {{"description", "kept"}});
  ASSERT_EQ(created.status, 200u) << created.body;
  const std::string id(body_of(created).at("namespace_id").as_string());
  auto& registry = api.writer->registry();
  namespace_lock_options hold;
  hold.wait = std::chrono::seconds(10);
  auto lock = namespace_lock::acquire(registry.pool(), registry.keys().lock(id), hold);
  ASSERT_TRUE(lock) << lock.error().message;

  const std::string same =
      R"({"description": "kept", "payload_indexes": [], "auto_create_indexes": false})";
  auto r = api.call("PATCH", "/v1/namespaces/held", same);
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.header("etag"), "\"1\"");
  EXPECT_EQ(body_of(r), body_of(created));
  r = api.call("PATCH", "/v1/namespaces/" + id, same, {{"If-Match", "\"1\""}});
  EXPECT_EQ(r.status, 200u) << r.body;
  // Preconditions and validation still apply.
  EXPECT_EQ(api.call("PATCH", "/v1/namespaces/held", same, {{"If-Match", "\"7\""}}).status, 412u);
  EXPECT_EQ(api.call("PATCH", "/v1/namespaces/held", R"({"description": 5})").status, 422u);

  r = api.call("PATCH", "/v1/namespaces/held", R"({"description": "changed"})");
  EXPECT_EQ(r.status, 503u) << r.body;
  EXPECT_EQ(r.header("retry-after"), "1");
  lock->release();
  r = api.call("PATCH", "/v1/namespaces/held", R"({"description": "changed"})");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.header("etag"), "\"2\"");
}

TEST(NamespaceApi, PatchPayloadIndexesReplacesTheUserListAndKeepsProtectedOnes) {
  namespace_api_fixture api;
  ASSERT_EQ(api.call("POST", "/v1/namespaces", k_spec_create).status, 200u);
  const auto r = api.call("PATCH", "/v1/namespaces/spotify_playlists_dev",
                          R"({"payload_indexes": [{"field_name": "price", "type": "float"}]})");
  ASSERT_EQ(r.status, 200u) << r.body;
  const auto ns = body_of(r);
  const auto user = user_indexes(ns);
  ASSERT_EQ(user.size(), 1u);
  EXPECT_EQ(user[0].at("field_name"), "price");
  EXPECT_EQ(index_names(ns).size(), default_protected_indexes().size() + 1);
}

TEST(NamespaceApi, InfrastructureIsValidatedAndItsCollectionCannotChange) {
  namespace_api_fixture api;
  ASSERT_EQ(api.create("infra", {{"infrastructure", {{"qdrant_collection", "products"}}}}).status,
            200u);
  auto r = api.call("PATCH", "/v1/namespaces/infra",
                    R"({"infrastructure": {"qdrant_collection": "products", "max_workers": 0}})");
  ASSERT_EQ(r.status, 422u) << r.body;
  r = api.call("PATCH", "/v1/namespaces/infra",
               R"({"infrastructure": {"qdrant_collection": "other"}})");
  ASSERT_EQ(r.status, 422u) << r.body;
  const auto error = body_of(r).at("error").at("details").at("validation_errors").at(0);
  EXPECT_EQ(error.at("location"),
            boost::json::array({"body", "infrastructure", "qdrant_collection"}));
  EXPECT_NE(error.at("message").as_string().find("cannot be changed"), std::string::npos);
  r = api.call("PATCH", "/v1/namespaces/infra",
               R"({"infrastructure": {"qdrant_collection": "products", "max_workers": 20}})");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(body_of(r).at("infrastructure").at("max_workers"), 20);
}

TEST(NamespaceApi, IfMatchGuardsWrites) {
  namespace_api_fixture api;
  ASSERT_EQ(api.create("etag").status, 200u);
  auto r =
      api.call("PATCH", "/v1/namespaces/etag", R"({"description": "a"})", {{"If-Match", "\"1\""}});
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.header("etag"), "\"2\"");

  r = api.call("PATCH", "/v1/namespaces/etag", R"({"description": "b"})", {{"If-Match", "\"1\""}});
  ASSERT_EQ(r.status, 412u);
  EXPECT_EQ(error_type(r), "PreconditionFailedError");
  EXPECT_EQ(r.header("etag"), "\"2\"");
  EXPECT_EQ(body_of(r).at("error").at("details").at("current_etag"), "\"2\"");
  EXPECT_EQ(body_of(api.call("GET", "/v1/namespaces/etag")).at("description"), "a");

  EXPECT_EQ(api.call("PATCH", "/v1/namespaces/etag", "{}", {{"If-Match", "2"}}).status, 400u);
  EXPECT_EQ(
      api.call("PATCH", "/v1/namespaces/etag", R"({"description": "c"})", {{"If-Match", "W/\"2\""}})
          .status,
      412u);  // weak tags never match If-Match
  EXPECT_EQ(api.call("PATCH", "/v1/namespaces/etag", R"({"description": "c"})",
                     {{"If-Match", "\"9\", \"2\""}})
                .status,
            200u);
  EXPECT_EQ(api.call("PATCH", "/v1/namespaces/etag", R"({"description": "d"})", {{"If-Match", "*"}})
                .status,
            200u);
  EXPECT_EQ(
      api.call("PUT", "/v1/namespaces/etag", R"({"namespace_name": null, "payload_indexes": null})",
               {{"If-Match", "\"1\""}})
          .status,
      412u);
  EXPECT_EQ(api.call("DELETE", "/v1/namespaces/etag", {}, {{"If-Match", "\"1\""}}).status, 412u);
  EXPECT_EQ(api.call("DELETE", "/v1/namespaces/etag", {}, {{"If-Match", "\"4\""}}).status, 200u);
}

TEST(NamespaceApi, PermissionsAreReadWriteAndAdmin) {
  namespace_api_fixture api;
  ASSERT_EQ(api.create("perm").status, 200u);
  using testing::k_reader_key;
  using testing::k_writer_key;
  EXPECT_EQ(api.call("GET", "/v1/namespaces/perm", {}, {}, nullptr).status, 401u);
  EXPECT_EQ(api.call("GET", "/v1/namespaces/perm", {}, {}, k_reader_key).status, 200u);
  EXPECT_EQ(api.call("POST", "/v1/namespaces/list", "{}", {}, k_reader_key).status, 200u);
  EXPECT_EQ(api.call("GET", "/v1/namespaces", {}, {}, k_reader_key).status, 200u);
  auto r = api.call("PATCH", "/v1/namespaces/perm", "{}", {}, k_reader_key);
  EXPECT_EQ(r.status, 403u);
  EXPECT_EQ(body_of(r).at("error").at("details").at("required_permission"), "write");
  EXPECT_EQ(api.call("PATCH", "/v1/namespaces/perm", "{}", {}, k_writer_key).status, 200u);
  r = api.call("DELETE", "/v1/namespaces/perm", {}, {}, k_writer_key);
  EXPECT_EQ(r.status, 403u);
  EXPECT_EQ(body_of(r).at("error").at("details").at("required_permission"), "admin");
  EXPECT_EQ(api.call("GET", "/openapi.json", {}, {}, nullptr).status, 200u);
}

TEST(NamespaceApi, PutNeedsBothFieldsAndReplacesTheUserList) {
  namespace_api_fixture api;
  ASSERT_EQ(api.call("POST", "/v1/namespaces", k_spec_create).status, 200u);
  auto r = api.call("PUT", "/v1/namespaces/spotify_playlists_dev", R"({"namespace_name": "xyz1"})");
  ASSERT_EQ(r.status, 422u);
  EXPECT_EQ(body_of(r).at("error").at("details").at("validation_errors").at(0).at("type"),
            "missing");
  r = api.call("PUT", "/v1/namespaces/spotify_playlists_dev",
               R"({"namespace_name": "renamed", "payload_indexes": null})");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(body_of(r).at("namespace_name"), "renamed");
  EXPECT_TRUE(user_indexes(body_of(r)).empty());
  EXPECT_EQ(index_names(body_of(r)).size(), default_protected_indexes().size());
}

TEST(NamespaceApi, DeleteRemovesTheNamespaceAndCallsTheDeletionHook) {
  namespace_api_fixture api;
  const auto created = body_of(api.create("doomed"));
  const std::string id(created.at("namespace_id").as_string());
  const auto r = api.call("DELETE", "/v1/namespaces/doomed");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(body_of(r).at("success"), true);
  EXPECT_EQ(body_of(r).at("namespace_id").as_string(), id);
  EXPECT_EQ(api.deleted(), std::vector<std::string>{id});
  EXPECT_EQ(api.call("GET", "/v1/namespaces/" + id).status, 404u);
  EXPECT_EQ(api.create("doomed").status, 200u);  // the name is free again
}

TEST(NamespaceApi, ListPaginatesFiltersSearchesAndSorts) {
  namespace_api_fixture api;
  for (const auto* name : {"delta", "alpha", "charlie", "bravo", "echo"}) {
    ASSERT_EQ(api.create(name, {{"description", std::string("about ") + name}}).status, 200u);
  }
  // Creation order by default, cursor paging, totals on request.
  auto r = api.call("POST", "/v1/namespaces/list?limit=2&include_total=true", {});
  ASSERT_EQ(r.status, 200u) << r.body;
  auto page = body_of(r);
  EXPECT_EQ(page.at("total_count"), 5);
  EXPECT_EQ(page.at("results").as_array().size(), 2u);
  EXPECT_EQ(page.at("results").at(0).at("namespace_name"), "delta");
  EXPECT_EQ(page.at("pagination").at("total"), 5);
  EXPECT_EQ(page.at("pagination").at("total_pages"), 3);
  EXPECT_EQ(page.at("stats").at("total_payload_indexes"),
            2 * static_cast<std::int64_t>(default_protected_indexes().size()));
  const std::string cursor(page.at("pagination").at("next_cursor").as_string());
  r = api.call("POST", "/v1/namespaces/list?limit=2&cursor=" + cursor, "{}");
  page = body_of(r);
  EXPECT_EQ(page.at("results").at(0).at("namespace_name"), "charlie");
  EXPECT_TRUE(page.at("pagination").at("total").is_null());
  r = api.call("POST", "/v1/namespaces/list?limit=2&offset=4", "{}");
  page = body_of(r);
  EXPECT_EQ(page.at("results").as_array().size(), 1u);
  EXPECT_TRUE(page.at("pagination").at("next_cursor").is_null());

  r = api.call("POST", "/v1/namespaces/list",
               R"({"sort": {"field": "namespace_name", "direction": "desc"},
                   "filters": {"namespace_name": {"$regex": "^[a-c]"}}})");
  EXPECT_EQ(r.status, 422u);  // character classes are outside the supported $regex subset
  r = api.call("POST", "/v1/namespaces/list",
               R"({"sort": {"field": "namespace_name", "direction": "desc"},
                   "filters": {"namespace_name": {"$in": ["ALPHA", "bravo", "echo"]}}})");
  ASSERT_EQ(r.status, 200u) << r.body;
  page = body_of(r);
  ASSERT_EQ(page.at("results").as_array().size(), 3u);
  EXPECT_EQ(page.at("results").at(0).at("namespace_name"), "echo");
  EXPECT_EQ(page.at("results").at(2).at("namespace_name"), "alpha");

  r = api.call("POST", "/v1/namespaces/list", R"({"search": "ABOUT CH"})");
  ASSERT_EQ(body_of(r).at("results").as_array().size(), 1u);
  EXPECT_EQ(body_of(r).at("results").at(0).at("namespace_name"), "charlie");
  r = api.call("POST", "/v1/namespaces/list", R"({"search": "ABOUT CH", "case_sensitive": true})");
  EXPECT_TRUE(body_of(r).at("results").as_array().empty());
  r = api.call("GET", "/v1/namespaces?search=bra");
  ASSERT_EQ(body_of(r).at("results").as_array().size(), 1u);
  r = api.call("POST", "/v1/namespaces/list",
               R"({"filters": {"namespace_name": {"$regex": "^b.*o$"}}})");
  ASSERT_EQ(body_of(r).at("results").as_array().size(), 1u);
  EXPECT_EQ(body_of(r).at("results").at(0).at("namespace_name"), "bravo");

  r = api.call("POST", "/v1/namespaces/list?limit=0&include_total=maybe", R"({"sort": 3})");
  ASSERT_EQ(r.status, 422u);
  const auto errors = body_of(r).at("error").at("details").at("validation_errors").as_array();
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0].at("location"), boost::json::array({"query", "limit"}));
  EXPECT_EQ(errors[0].at("type"), "greater_than_equal");
  EXPECT_EQ(errors[1].at("type"), "bool_parsing");
  EXPECT_EQ(errors[2].at("location"), boost::json::array({"body", "sort"}));
}

TEST(NamespaceApi, OversizedBodyIs413) {
  namespace_api_fixture api;
  const auto r = api.call("POST", "/v1/namespaces", std::string(100 << 10, ' '));
  EXPECT_EQ(r.status, 413u);
  EXPECT_EQ(error_type(r), "PayloadTooLargeError");
}

TEST(NamespaceApi, RedisDownIs503) {
  namespace_api_fixture api;
  ASSERT_EQ(api.create("before").status, 200u);
  api.redis.stop();
  const auto r = api.call("GET", "/v1/namespaces/before");
  EXPECT_EQ(r.status, 503u);
  EXPECT_EQ(error_type(r), "ServiceUnavailableError");
  EXPECT_EQ(api.call("PATCH", "/v1/namespaces/before", "{}").status, 503u);
}

// 50 clients each add their own index to one namespace at once, each with a fresh GET and
// If-Match, retrying on 412: every index ends up stored, none is lost.
TEST(NamespaceApi, FiftyParallelPatchesWithIfMatchLoseNoIndex) {
  namespace_api_fixture api;
  ASSERT_EQ(api.create("contended").status, 200u);
  constexpr int k_clients = 50;
  std::atomic<int> conflicts{0};
  std::vector<std::future<unsigned>> clients;
  for (int c = 0; c < k_clients; ++c) {
    clients.push_back(std::async(std::launch::async, [&, c] {
      for (int attempt = 0; attempt < 500; ++attempt) {
        const auto got = api.call("GET", "/v1/namespaces/contended");
        if (got.status != 200u) return got.status;
        auto indexes = user_indexes(parse_json(got.body));
        indexes.push_back(
            boost::json::object{{"field_name", "field_" + std::to_string(c)}, {"type", "keyword"}});
        const auto patched =
            api.call("PATCH", "/v1/namespaces/contended",
                     boost::json::serialize(boost::json::object{{"payload_indexes", indexes}}),
                     {{"If-Match", got.header("etag")}});
        if (patched.status == 412u || patched.status == 503u) {
          ++conflicts;
          continue;
        }
        return patched.status;
      }
      return 0u;
    }));
  }
  for (auto& c : clients)
    EXPECT_EQ(c.get(), 200u);
  const auto final_ns = body_of(api.call("GET", "/v1/namespaces/contended"));
  std::set<std::string> fields;
  for (const auto& index : user_indexes(final_ns))
    fields.insert(std::string(index.at("field_name").as_string()));
  EXPECT_EQ(fields.size(), static_cast<std::size_t>(k_clients));
  EXPECT_EQ(api.call("GET", "/v1/namespaces/contended").header("etag"),
            "\"" + std::to_string(1 + k_clients) + "\"");
  EXPECT_GT(conflicts.load(), 0);  // the test did race
}

// Two namespaces renamed to the same new name at once: one 200, one 409, every round.
TEST(NamespaceApi, ConcurrentRenamesToOneNameGiveOne200AndOne409) {
  namespace_api_fixture api;
  for (int round = 0; round < 10; ++round) {
    const std::string a = "first" + std::to_string(round);
    const std::string b = "second" + std::to_string(round);
    const std::string wanted = "wanted" + std::to_string(round);
    ASSERT_EQ(api.create(a).status, 200u);
    ASSERT_EQ(api.create(b).status, 200u);
    const std::string body = R"({"namespace_name": ")" + wanted + "\"}";
    auto ra = std::async(std::launch::async,
                         [&] { return api.call("PATCH", "/v1/namespaces/" + a, body); });
    auto rb = std::async(std::launch::async,
                         [&] { return api.call("PATCH", "/v1/namespaces/" + b, body); });
    const auto result_a = ra.get();
    const auto result_b = rb.get();
    std::multiset<unsigned> statuses{result_a.status, result_b.status};
    EXPECT_EQ(statuses, (std::multiset<unsigned>{200u, 409u})) << result_a.body << result_b.body;
    const auto& loser = result_a.status == 409u ? result_a : result_b;
    EXPECT_EQ(error_type(loser), "AlreadyExistsError");
    const auto owner = body_of(api.call("GET", "/v1/namespaces/" + wanted));
    const auto& winner = result_a.status == 200u ? result_a : result_b;
    EXPECT_EQ(owner.at("namespace_id"), body_of(winner).at("namespace_id"));
    // The loser kept its old name.
    EXPECT_EQ(api.call("GET", "/v1/namespaces/" + (result_a.status == 409u ? a : b)).status, 200u);
  }
}

}  // namespace
}  // namespace index_optimizer
