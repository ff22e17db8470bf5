// The fake Qdrant over real sockets: every endpoint the daemon uses, Qdrant's envelopes and
// error paths, and each fault switch. Other tests trust the fake; these tests are why.
#include "fakes/fake_qdrant.hpp"

#include <gtest/gtest.h>
#include <signal.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <filesystem>
#include <string>

#include "support/http_client.hpp"
#include "support/process.hpp"
#include "support/wait.hpp"

namespace index_optimizer::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

const std::map<std::string, std::string> json_headers = {{"content-type", "application/json"}};

class FakeQdrant : public ::testing::Test {
 protected:
  static fake_qdrant::options default_options() {
    fake_qdrant::options opts;
    opts.collections = {"ns_a"};
    return opts;
  }

  FakeQdrant() : qdrant_(default_options()) {}

  http_result call(std::string_view method, std::string_view target, std::string_view body = {},
                   const std::map<std::string, std::string>& headers = json_headers) {
    return http_request(qdrant_.host(), qdrant_.port(), method, target, body, headers, 5s);
  }

  http_result put_index(const std::string& collection, const std::string& body,
                        const std::string& query = "?wait=true") {
    return call("PUT", "/collections/" + collection + "/index" + query, body);
  }

  // The `result` of a success envelope; fails the test if the envelope is not Qdrant's.
  static json::value ok_result(const http_result& res) {
    EXPECT_EQ(res.status, 200u) << res.body;
    EXPECT_EQ(res.header("content-type"), "application/json");
    const json::value body = parse_json(res.body);
    const auto& obj = body.as_object();
    EXPECT_EQ(obj.at("status"), "ok");
    EXPECT_TRUE(obj.at("time").is_number());
    return obj.at("result");
  }

  // The `status.error` text of an error envelope with the given HTTP status.
  static std::string error_of(const http_result& res, unsigned status) {
    EXPECT_EQ(res.status, status) << res.body;
    const json::value body = parse_json(res.body);
    const auto& obj = body.as_object();
    EXPECT_FALSE(obj.contains("result")) << res.body;
    EXPECT_TRUE(obj.at("time").is_number());
    return std::string(obj.at("status").as_object().at("error").as_string());
  }

  fake_qdrant qdrant_;
};

TEST_F(FakeQdrant, RootReportsVersionInfoWithoutEnvelope) {
  const auto res = call("GET", "/");
  ASSERT_EQ(res.status, 200u);
  const auto body = parse_json(res.body).as_object();
  EXPECT_EQ(body.at("title"), "qdrant - vector search engine");
  EXPECT_EQ(body.at("version"), "1.19.0");
  EXPECT_TRUE(body.at("commit").is_string());
  EXPECT_FALSE(body.contains("result"));
}

TEST_F(FakeQdrant, ListsCreatesAndDeletesCollections) {
  EXPECT_EQ(json::serialize(ok_result(call("GET", "/collections"))),
            R"({"collections":[{"name":"ns_a"}]})");

  EXPECT_EQ(
      ok_result(call("PUT", "/collections/ns_b", R"({"vectors": {"size": 8, "distance": "Dot"}})")),
      json::value(true));
  EXPECT_TRUE(qdrant_.has_collection("ns_b"));
  EXPECT_EQ(error_of(call("PUT", "/collections/ns_b", R"({"vectors": {}})"), 400),
            "Wrong input: Collection `ns_b` already exists!");
  EXPECT_EQ(ok_result(call("GET", "/collections/ns_b/exists")), json::parse(R"({"exists":true})"));

  EXPECT_EQ(ok_result(call("DELETE", "/collections/ns_b")), json::value(true));
  EXPECT_EQ(ok_result(call("DELETE", "/collections/ns_b")), json::value(false));
  EXPECT_EQ(ok_result(call("GET", "/collections/ns_b/exists")), json::parse(R"({"exists":false})"));
  EXPECT_EQ(error_of(call("GET", "/collections/ns_b"), 404),
            "Not found: Collection `ns_b` doesn't exist!");
}

TEST_F(FakeQdrant, CreateCollectionNeedsAJsonObject) {
  EXPECT_EQ(
      error_of(call("PUT", "/collections/x", "[]"), 400).rfind("Format error in JSON body", 0), 0u);
  EXPECT_EQ(error_of(call("PUT", "/collections/x", "{"), 400).rfind("Format error in JSON body", 0),
            0u);
  EXPECT_EQ(error_of(call("PUT", "/collections/x", ""), 400),
            "Format error in JSON body: EOF while parsing a value at line 1 column 0");
  EXPECT_FALSE(qdrant_.has_collection("x"));
}

TEST_F(FakeQdrant, CollectionInfoCarriesTheRequiredFields) {
  qdrant_.set_points_count("ns_a", 12345);
  const auto info = ok_result(call("GET", "/collections/ns_a")).as_object();
  EXPECT_EQ(info.at("status"), "green");
  EXPECT_EQ(info.at("optimizer_status"), "ok");
  EXPECT_EQ(info.at("points_count"), 12345);
  EXPECT_TRUE(info.at("indexed_vectors_count").is_number());
  EXPECT_TRUE(info.at("segments_count").is_number());
  const auto& config = info.at("config").as_object();
  for (const char* key : {"params", "hnsw_config", "optimizer_config"}) {
    EXPECT_TRUE(config.at(key).is_object()) << key;
  }
  EXPECT_EQ(config.at("strict_mode_config"), json::parse(R"({"enabled":false})"));
  EXPECT_EQ(info.at("payload_schema"), json::object{});
}

TEST_F(FakeQdrant, CreatesIndexFromTypeName) {
  qdrant_.set_points_count("ns_a", 40);
  EXPECT_EQ(ok_result(put_index("ns_a", R"({"field_name":"category","field_schema":"keyword"})"))
                .as_object()
                .at("status"),
            "completed");
  // The bare form shows no params, and points defaults to the collection's count.
  EXPECT_EQ(qdrant_.payload_schema("ns_a"),
            json::parse(R"({"category":{"data_type":"keyword","points":40}})"));
  const auto info = ok_result(call("GET", "/collections/ns_a")).as_object();
  EXPECT_EQ(info.at("payload_schema"), json::value(qdrant_.payload_schema("ns_a")));
  EXPECT_EQ(qdrant_.index_fields("ns_a"), std::vector<std::string>{"category"});
}

TEST_F(FakeQdrant, EchoesObjectFormParamsAsQdrantSerialisesThem) {
  ok_result(put_index("ns_a",
                      R"({"field_name":"price","field_schema":{"type":"integer","lookup":true,
                          "unknown_key":1}})"));
  ok_result(put_index("ns_a", R"({"field_name":"tenant","field_schema":{"type":"keyword",
                          "is_tenant":true}})"));
  ok_result(put_index("ns_a", R"({"field_name":"body","field_schema":{"type":"text",
                          "phrase_matching":true}})"));
  qdrant_.state().set_index_points("ns_a", "tenant", 7);
  // Unknown keys vanish, integer options come back as null, text gets its default tokenizer.
  EXPECT_EQ(qdrant_.payload_schema("ns_a"), json::parse(R"({
    "body": {"data_type":"text","params":{"type":"text","tokenizer":"word","phrase_matching":true},
             "points":0},
    "price": {"data_type":"integer",
              "params":{"type":"integer","lookup":true,"range":null,"is_principal":null},
              "points":0},
    "tenant": {"data_type":"keyword","params":{"type":"keyword","is_tenant":true},"points":7}
  })"));
}

TEST_F(FakeQdrant, IdenticalResendIsANoOpThatStillAnswers) {
  const std::string body = R"({"field_name":"category","field_schema":{"type":"keyword"}})";
  const auto first = ok_result(put_index("ns_a", body)).as_object();
  const auto second = ok_result(put_index("ns_a", body)).as_object();
  EXPECT_EQ(second.at("status"), "completed");
  EXPECT_GT(second.at("operation_id").as_int64(), first.at("operation_id").as_int64());
  EXPECT_EQ(qdrant_.state().index_builds(), 1u);
}

TEST_F(FakeQdrant, DifferentSchemaReplacesTheIndex) {
  ok_result(put_index("ns_a", R"({"field_name":"f","field_schema":"keyword"})"));
  // The object form differs from the bare name even with no options (NOTES.md).
  ok_result(put_index("ns_a", R"({"field_name":"f","field_schema":{"type":"keyword"}})"));
  EXPECT_EQ(qdrant_.state().index_builds(), 2u);
  EXPECT_EQ(qdrant_.payload_schema("ns_a").at("f").at("params"),
            json::parse(R"({"type":"keyword"})"));
  ok_result(put_index("ns_a", R"({"field_name":"f","field_schema":"integer"})"));
  EXPECT_EQ(qdrant_.state().index_builds(), 3u);
  EXPECT_EQ(qdrant_.payload_schema("ns_a"),
            json::parse(R"({"f":{"data_type":"integer","points":0}})"));
}

TEST_F(FakeQdrant, MissingFieldSchemaCannotBeAutoDetected) {
  const std::string expected =
      "Bad request: Can't auto-detect field type, please specify `field_schema` in the request";
  EXPECT_EQ(error_of(put_index("ns_a", R"({"field_name":"f"})"), 400), expected);
  EXPECT_EQ(error_of(put_index("ns_a", R"({"field_name":"f","field_schema":null})"), 400),
            expected);
  EXPECT_TRUE(qdrant_.index_fields("ns_a").empty());
}

TEST_F(FakeQdrant, RejectsMalformedSchemasLikeQdrantsExtractors) {
  const std::string mismatch =
      "Format error in JSON body: data did not match any variant of untagged enum "
      "PayloadFieldSchema";
  EXPECT_EQ(error_of(put_index("ns_a", R"({"field_name":"f","field_schema":"Keyword"})"), 400),
            mismatch);
  EXPECT_EQ(
      error_of(put_index("ns_a", R"({"field_name":"f","field_schema":{"type":"vector"}})"), 400),
      mismatch);
  EXPECT_EQ(error_of(put_index("ns_a",
                               R"({"field_name":"f","field_schema":{"type":"keyword",
                                   "is_tenant":"yes"}})"),
                     400),
            mismatch);
  EXPECT_EQ(error_of(put_index("ns_a", R"({"field_name":"f","field_schema":{"type":"text",
                                   "tokenizer":"klingon"}})"),
                     400),
            mismatch);
  EXPECT_EQ(error_of(put_index("ns_a", R"({"field_schema":"keyword"})"), 400),
            "Format error in JSON body: missing field `field_name`");
  EXPECT_EQ(error_of(put_index("ns_a", R"({"field_name":"a..b","field_schema":"keyword"})"), 400)
                .rfind("Format error in JSON body: Invalid json path", 0),
            0u);
  // The one rule enforced by validation rather than deserialisation answers 422.
  EXPECT_EQ(error_of(put_index("ns_a", R"({"field_name":"f","field_schema":{"type":"integer",
                                   "lookup":false,"range":false}})"),
                     422),
            "Validation error in JSON body: [field_schema.lookup: the 'lookup' and 'range' "
            "capabilities can't be both disabled]");
  EXPECT_EQ(error_of(call("PUT", "/collections/ns_a/index",
                          R"({"field_name":"f","field_schema":"keyword"})",
                          {{"content-type", "text/plain"}}),
                     400),
            "Content type error");
  EXPECT_TRUE(qdrant_.index_fields("ns_a").empty());
}

TEST_F(FakeQdrant, AcceptsTheFieldTypeAlias) {
  ok_result(put_index("ns_a", R"({"field_name":"f","field_type":"bool"})"));
  EXPECT_EQ(qdrant_.payload_schema("ns_a").at("f").at("data_type"), "bool");
}

TEST_F(FakeQdrant, ValidatesUpdateQueryParameters) {
  const std::string body = R"({"field_name":"f","field_schema":"keyword"})";
  EXPECT_EQ(error_of(put_index("ns_a", body, "?wait=yes"), 400)
                .rfind("Deserialize error in query parameters", 0),
            0u);
  EXPECT_EQ(error_of(put_index("ns_a", body, "?ordering=fast"), 400)
                .rfind("Deserialize error in query parameters", 0),
            0u);
  EXPECT_EQ(error_of(put_index("ns_a", body, "?timeout=0"), 422)
                .rfind("Validation error in query parameters", 0),
            0u);
  EXPECT_EQ(ok_result(put_index("ns_a", body, "?wait=true&ordering=strong&timeout=30"))
                .as_object()
                .at("status"),
            "completed");
}

TEST_F(FakeQdrant, UnknownCollectionIsNotFoundForIndexOperations) {
  const std::string expected = "Not found: Collection `nope` doesn't exist!";
  EXPECT_EQ(error_of(put_index("nope", R"({"field_name":"f","field_schema":"keyword"})"), 404),
            expected);
  EXPECT_EQ(error_of(call("DELETE", "/collections/nope/index/f"), 404), expected);
}

TEST_F(FakeQdrant, WaitFalseIsAcknowledged) {
  EXPECT_EQ(ok_result(put_index("ns_a", R"({"field_name":"f","field_schema":"uuid"})", ""))
                .as_object()
                .at("status"),
            "acknowledged");
  EXPECT_EQ(
      ok_result(put_index("ns_a", R"({"field_name":"g","field_schema":"uuid"})", "?wait=false"))
          .as_object()
          .at("status"),
      "acknowledged");
  EXPECT_EQ(qdrant_.index_fields("ns_a"), (std::vector<std::string>{"f", "g"}));
}

TEST_F(FakeQdrant, HeldAsyncIndexesAppearOnlyWhenReleased) {
  qdrant_.state().set_hold_async_indexes(true);
  ok_result(put_index("ns_a", R"({"field_name":"f","field_schema":"geo"})", "?wait=false"));
  auto info = ok_result(call("GET", "/collections/ns_a")).as_object();
  EXPECT_EQ(info.at("payload_schema"), json::object{});
  EXPECT_EQ(info.at("status"), "yellow");
  EXPECT_EQ(qdrant_.state().release_pending_indexes(), 1u);
  info = ok_result(call("GET", "/collections/ns_a")).as_object();
  EXPECT_EQ(info.at("status"), "green");
  EXPECT_EQ(info.at("payload_schema").at("f").at("data_type"), "geo");
}

TEST_F(FakeQdrant, HeldBuildsAnswerWaitTimeoutAndAppearOnlyWhenReleased) {
  qdrant_.state().set_hold_index_builds(true);
  EXPECT_EQ(ok_result(put_index("ns_a", R"({"field_name":"f","field_schema":"keyword"})",
                                "?wait=true&timeout=5"))
                .as_object()
                .at("status"),
            "wait_timeout");
  EXPECT_EQ(
      ok_result(put_index("ns_a", R"({"field_name":"g","field_schema":"keyword"})", "?wait=false"))
          .as_object()
          .at("status"),
      "acknowledged");
  EXPECT_EQ(ok_result(call("GET", "/collections/ns_a")).as_object().at("payload_schema"),
            json::object{});
  qdrant_.state().set_hold_index_builds(false);
  EXPECT_EQ(qdrant_.state().release_pending_indexes(), 2u);
  EXPECT_EQ(qdrant_.index_fields("ns_a"), (std::vector<std::string>{"f", "g"}));
}

TEST_F(FakeQdrant, ForcedOperationStatusIsReported) {
  qdrant_.state().set_index_operation_status("wait_timeout");
  EXPECT_EQ(ok_result(put_index("ns_a", R"({"field_name":"f","field_schema":"float"})"))
                .as_object()
                .at("status"),
            "wait_timeout");
}

TEST_F(FakeQdrant, DeletesIndexesByPercentEncodedName) {
  ok_result(put_index("ns_a", R"({"field_name":"items[].sku","field_schema":"keyword"})"));
  ok_result(put_index("ns_a", R"({"field_name":"\"a/b\"","field_schema":"keyword"})"));
  ok_result(put_index("ns_a", R"({"field_name":"keep","field_schema":"keyword"})"));
  EXPECT_EQ(ok_result(call("DELETE", "/collections/ns_a/index/items%5B%5D.sku?wait=true"))
                .as_object()
                .at("status"),
            "completed");
  ok_result(call("DELETE", "/collections/ns_a/index/%22a%2Fb%22"));
  EXPECT_EQ(qdrant_.index_fields("ns_a"), std::vector<std::string>{"keep"});
}

TEST_F(FakeQdrant, DeletingAMissingIndexSucceeds) {
  const auto result = ok_result(call("DELETE", "/collections/ns_a/index/never_created?wait=true"));
  EXPECT_EQ(result.as_object().at("status"), "completed");
  EXPECT_TRUE(result.as_object().at("operation_id").is_number());
}

TEST_F(FakeQdrant, MaxPayloadIndexCountRefusesCreationsAtTheCap) {
  qdrant_.state().set_max_payload_index_count("ns_a", 2);
  ok_result(put_index("ns_a", R"({"field_name":"a","field_schema":"keyword"})"));
  ok_result(put_index("ns_a", R"({"field_name":"b","field_schema":"keyword"})"));
  const std::string expected =
      "Bad request: Collection already has the maximum number of payload indices (2) Help: "
      "Please delete an existing index before creating a new one.";
  EXPECT_EQ(error_of(put_index("ns_a", R"({"field_name":"c","field_schema":"keyword"})"), 400),
            expected);
  // Qdrant counts before comparing: even an identical re-send is refused at the cap.
  EXPECT_EQ(error_of(put_index("ns_a", R"({"field_name":"a","field_schema":"keyword"})"), 400),
            expected);
  ok_result(call("DELETE", "/collections/ns_a/index/a"));
  ok_result(put_index("ns_a", R"({"field_name":"c","field_schema":"keyword"})"));
  EXPECT_EQ(qdrant_.index_fields("ns_a"), (std::vector<std::string>{"b", "c"}));
}

TEST_F(FakeQdrant, StrictModeCapComesFromTheCreateRequest) {
  ok_result(call("PUT", "/collections/capped",
                 R"({"vectors":{"size":4,"distance":"Cosine"},
                     "strict_mode_config":{"enabled":true,"max_payload_index_count":1}})"));
  const auto info = ok_result(call("GET", "/collections/capped")).as_object();
  EXPECT_EQ(info.at("config").at("strict_mode_config"),
            json::parse(R"({"enabled":true,"max_payload_index_count":1})"));
  EXPECT_EQ(info.at("config").at("params").at("vectors"),
            json::parse(R"({"size":4,"distance":"Cosine"})"));
  ok_result(put_index("capped", R"({"field_name":"a","field_schema":"keyword"})"));
  error_of(put_index("capped", R"({"field_name":"b","field_schema":"keyword"})"), 400);
}

TEST_F(FakeQdrant, UnknownRoutesAreEmpty404s) {
  for (const auto& [method, target] :
       std::vector<std::pair<std::string, std::string>>{{"GET", "/nothing"},
                                                        {"GET", "/collections/"},
                                                        {"POST", "/collections/ns_a"},
                                                        {"GET", "/collections/ns_a/index"}}) {
    const auto res = call(method, target);
    EXPECT_EQ(res.status, 404u) << method << " " << target;
    EXPECT_TRUE(res.body.empty()) << method << " " << target;
  }
}

TEST_F(FakeQdrant, KeepAliveServesSeveralRequestsOnOneConnection) {
  http_connection connection(qdrant_.host(), qdrant_.port(), 5s);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(connection.request("GET", "/collections/ns_a").status, 200u);
  }
  EXPECT_EQ(connection
                .request("PUT", "/collections/ns_a/index?wait=true",
                         R"({"field_name":"f","field_schema":"datetime"})")
                .status,
            200u);
  EXPECT_EQ(qdrant_.index_fields("ns_a"), std::vector<std::string>{"f"});
}

TEST_F(FakeQdrant, MalformedHttpGets400AndAHangUp) {
  http_connection connection(qdrant_.host(), qdrant_.port(), 5s);
  connection.send_raw("THIS IS NOT HTTP\r\n\r\n");
  EXPECT_EQ(connection.read_response().status, 400u);
  EXPECT_TRUE(connection.closed_by_peer(5s));
}

TEST_F(FakeQdrant, OversizedBodyGets413) {
  http_connection connection(qdrant_.host(), qdrant_.port(), 5s);
  connection.send_raw(
      "PUT /collections/ns_a/index HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Content-Length: 40000000\r\n\r\n{");
  EXPECT_EQ(connection.read_response().status, 413u);
}

TEST_F(FakeQdrant, RecordsEveryRequestInOrder) {
  call("GET", "/collections/ns_a", {}, {{"api-key", "k1"}});
  put_index("ns_a", R"({"field_name":"f","field_schema":"keyword"})");
  const auto log = qdrant_.requests();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].method, "GET");
  EXPECT_EQ(log[0].target, "/collections/ns_a");
  EXPECT_EQ(log[0].headers.at("api-key"), "k1");
  EXPECT_EQ(log[0].response_status, 200u);
  EXPECT_EQ(log[1].method, "PUT");
  EXPECT_EQ(log[1].target, "/collections/ns_a/index?wait=true");
  EXPECT_EQ(log[1].path(), "/collections/ns_a/index");
  EXPECT_EQ(log[1].body, R"({"field_name":"f","field_schema":"keyword"})");
  EXPECT_LE(log[0].received_at, log[1].received_at);
  EXPECT_EQ(qdrant_.count_requests("PUT", "/collections/ns_a/index"), 1u);
  EXPECT_EQ(qdrant_.count_requests(), 2u);
  qdrant_.clear_requests();
  EXPECT_TRUE(qdrant_.requests().empty());
}

TEST_F(FakeQdrant, FailNextMatchesMethodAndPathThenRecovers) {
  qdrant_.fail_next(2, 503, "PUT", "/collections/ns_a/index");
  EXPECT_EQ(call("GET", "/collections/ns_a").status, 200u);  // not matched
  const std::string body = R"({"field_name":"f","field_schema":"keyword"})";
  EXPECT_EQ(error_of(put_index("ns_a", body), 503).empty(), false);
  error_of(put_index("ns_a", body), 503);
  EXPECT_TRUE(qdrant_.index_fields("ns_a").empty());  // a faulted request changes nothing
  ok_result(put_index("ns_a", body));
  EXPECT_EQ(qdrant_.index_fields("ns_a"), std::vector<std::string>{"f"});
}

TEST_F(FakeQdrant, InjectedStatusesCarryQdrantEnvelopes) {
  for (unsigned status : {500u, 408u, 429u}) {
    qdrant_.fail_next(1, status);
    const auto res = call("GET", "/collections");
    EXPECT_FALSE(error_of(res, status).empty());
    if (status == 429) {
      EXPECT_EQ(res.header("retry-after"), "1");
    } else {
      EXPECT_EQ(res.header("retry-after"), "");
    }
  }
  EXPECT_EQ(call("GET", "/collections").status, 200u);
}

TEST_F(FakeQdrant, CustomFaultSetsHeadersAndBody) {
  fake_qdrant_fault fault;
  fault.status = 429;
  fault.headers = {{"Retry-After", "7"}};
  fault.body = R"({"status":{"error":"Too many requests"},"time":0.0})";
  qdrant_.add_fault(fault);
  const auto res = call("GET", "/collections");
  EXPECT_EQ(error_of(res, 429), "Too many requests");
  EXPECT_EQ(res.header("retry-after"), "7");
}

TEST_F(FakeQdrant, DropNextClosesWithoutAnswering) {
  qdrant_.drop_next(1, "PUT");
  EXPECT_THROW(put_index("ns_a", R"({"field_name":"f","field_schema":"keyword"})"),
               std::runtime_error);
  EXPECT_TRUE(qdrant_.index_fields("ns_a").empty());
  ASSERT_EQ(qdrant_.requests().size(), 1u);
  EXPECT_EQ(qdrant_.requests()[0].response_status, 0u);
  ok_result(put_index("ns_a", R"({"field_name":"f","field_schema":"keyword"})"));
}

TEST_F(FakeQdrant, ResponseDelayOutlastsAShortClientTimeout) {
  qdrant_.set_response_delay(1500ms);
  const auto started = std::chrono::steady_clock::now();
  EXPECT_THROW(
      http_request(qdrant_.host(), qdrant_.port(), "PUT", "/collections/ns_a/index?wait=true",
                   R"({"field_name":"f","field_schema":"keyword"})", json_headers, 200ms),
      std::runtime_error);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1400ms);
  // The slow server still applied the change, as a real one would have.
  EXPECT_EQ(qdrant_.index_fields("ns_a"), std::vector<std::string>{"f"});

  qdrant_.set_response_delay(300ms);
  const auto slow_start = std::chrono::steady_clock::now();
  EXPECT_EQ(call("GET", "/collections").status, 200u);
  EXPECT_GE(std::chrono::steady_clock::now() - slow_start, 300ms);
  qdrant_.clear_faults();
}

TEST_F(FakeQdrant, CollectionFailureTargetsOneCollection) {
  qdrant_.create_collection("ns_b");
  qdrant_.fail_collection("ns_b", 404);
  EXPECT_EQ(error_of(call("GET", "/collections/ns_b"), 404),
            "Not found: Collection `ns_b` doesn't exist!");
  error_of(put_index("ns_b", R"({"field_name":"f","field_schema":"keyword"})"), 404);
  EXPECT_EQ(call("GET", "/collections/ns_a").status, 200u);
  qdrant_.fail_collection("ns_b", 500);
  error_of(call("GET", "/collections/ns_b"), 500);
  qdrant_.clear_collection_failure("ns_b");
  EXPECT_EQ(call("GET", "/collections/ns_b").status, 200u);
}

TEST_F(FakeQdrant, StopClosesIdleAndDelayedConnections) {
  http_connection idle(qdrant_.host(), qdrant_.port(), 5s);
  EXPECT_EQ(idle.request("GET", "/").status, 200u);
  qdrant_.set_response_delay(10s);
  http_connection waiting(qdrant_.host(), qdrant_.port(), 5s);
  waiting.send_raw("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(wait_until([&] { return qdrant_.count_requests() == 2; }, 5s));
  const auto started = std::chrono::steady_clock::now();
  qdrant_.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
  EXPECT_TRUE(idle.closed_by_peer(2s));
  EXPECT_TRUE(waiting.closed_by_peer(2s));
  qdrant_.stop();  // idempotent
}

TEST_F(FakeQdrant, NumbersConnectionsAndClosesThemOnDemand) {
  http_connection first(qdrant_.host(), qdrant_.port(), 5s);
  EXPECT_EQ(first.request("GET", "/").status, 200u);
  EXPECT_EQ(first.request("GET", "/collections").status, 200u);
  http_connection second(qdrant_.host(), qdrant_.port(), 5s);
  EXPECT_EQ(second.request("GET", "/").status, 200u);
  const auto requests = qdrant_.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].connection, 1u);
  EXPECT_EQ(requests[1].connection, 1u);
  EXPECT_EQ(requests[2].connection, 2u);
  EXPECT_EQ(requests[0].tls_server_name, "");
  EXPECT_EQ(qdrant_.connections_accepted(), 2u);
  EXPECT_EQ(qdrant_.open_connections(), 2u);

  qdrant_.close_connections();
  EXPECT_TRUE(first.closed_by_peer(2s));
  EXPECT_TRUE(second.closed_by_peer(2s));
  EXPECT_TRUE(wait_until([&] { return qdrant_.open_connections() == 0; }, 5s));
  // The listener stays open.
  EXPECT_EQ(call("GET", "/").status, 200u);
  EXPECT_EQ(qdrant_.connections_accepted(), 3u);
}

class FakeQdrantWithApiKey : public ::testing::Test {
 protected:
  static fake_qdrant::options key_options() {
    fake_qdrant::options opts;
    opts.api_key = "secret";
    opts.collections = {"ns_a"};
    return opts;
  }
  http_result get(const std::string& target, const std::map<std::string, std::string>& headers) {
    return http_request(qdrant_.host(), qdrant_.port(), "GET", target, {}, headers, 5s);
  }
  fake_qdrant qdrant_{key_options()};
};

TEST_F(FakeQdrantWithApiKey, MissingOrWrongKeyIsRefusedInPlainText) {
  auto res = get("/collections", {});
  EXPECT_EQ(res.status, 401u);
  EXPECT_EQ(res.body, "Must provide an API key or an Authorization bearer token");
  EXPECT_EQ(res.header("content-type").rfind("text/plain", 0), 0u);
  res = get("/collections", {{"api-key", "wrong"}});
  EXPECT_EQ(res.status, 401u);
  EXPECT_EQ(res.body, "Invalid API key or JWT");
}

TEST_F(FakeQdrantWithApiKey, AcceptsTheKeyHeaderOrABearerToken) {
  EXPECT_EQ(get("/collections/ns_a", {{"api-key", "secret"}}).status, 200u);
  EXPECT_EQ(get("/collections/ns_a", {{"Authorization", "Bearer secret"}}).status, 200u);
}

TEST_F(FakeQdrantWithApiKey, RootAndHealthNeedNoKey) {
  EXPECT_EQ(get("/", {}).status, 200u);
  EXPECT_EQ(get("/healthz", {}).status, 200u);
  EXPECT_EQ(get("/readyz", {}).status, 200u);
}

std::filesystem::path fake_qdrant_binary() {
  // CMake puts fake-qdrant next to this test binary (build/tests/).
  return std::filesystem::read_symlink("/proc/self/exe").parent_path() / "fake-qdrant";
}

TEST(FakeQdrantBinary, ServesUntilSigterm) {
  const auto binary = fake_qdrant_binary();
  ASSERT_TRUE(std::filesystem::exists(binary))
      << binary << " is missing: build it with `ninja -C build fake-qdrant`";
  child_process process(binary.string(), {"--port", "0", "--api-key", "k", "--collection", "ns_x",
                                          "--max-payload-index-count", "5"});
  unsigned short port = 0;
  ASSERT_TRUE(wait_until(
      [&] {
        const std::string out = process.output();
        const auto newline = out.find('\n');
        if (newline == std::string::npos) return false;
        port = static_cast<unsigned short>(std::stoul(out.substr(0, newline)));
        return true;
      },
      10s))
      << process.output();
  ASSERT_NE(port, 0);

  const auto root = http_request("127.0.0.1", port, "GET", "/", {}, {}, 5s);
  EXPECT_EQ(parse_json(root.body).at("version"), "1.19.0");
  EXPECT_EQ(http_request("127.0.0.1", port, "GET", "/collections", {}, {}, 5s).status, 401u);
  const auto info =
      http_request("127.0.0.1", port, "GET", "/collections/ns_x", {}, {{"api-key", "k"}}, 5s);
  ASSERT_EQ(info.status, 200u) << info.body;
  EXPECT_EQ(parse_json(info.body).at("result").at("config").at("strict_mode_config"),
            json::parse(R"({"enabled":true,"max_payload_index_count":5})"));

  process.send_signal(SIGTERM);
  EXPECT_EQ(process.wait_for_exit(5s), std::optional<int>(0)) << process.output();
}

TEST(FakeQdrantBinary, RejectsUnknownOptions) {
  child_process process(fake_qdrant_binary().string(), {"--bogus", "1"});
  EXPECT_EQ(process.wait_for_exit(5s), std::optional<int>(2));
}

}  // namespace
}  // namespace index_optimizer::testing
