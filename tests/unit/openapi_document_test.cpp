// docs/openapi.json is the document the daemon serves, and it describes exactly the routes the
// router has, with the permissions they require.
#include "namespace_api/openapi_document.hpp"
#include "analytics_api/analytics_routes.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "namespace_api/namespace_routes.hpp"
#include "namespace_model/namespace_requests.hpp"
#include "namespace_registry/namespace_registry.hpp"
#include "optimizer/optimizer_routes.hpp"

namespace index_optimizer {
namespace {

using boost::beast::http::verb;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// The operational routes application.cpp adds itself (open, no permission).
constexpr std::array<std::string_view, 3> k_application_routes{"/healthz", "/readyz", "/metrics"};

http::router daemon_router(redis_pool& pool, optimizer_service& optimizer) {
  http::router router;
  add_namespace_api(router, pool, nullptr, config{}, {});
  add_analytics_routes(router, {});
  add_optimizer_routes(router, optimizer);
  for (const auto path : k_application_routes) {
    router.add({verb::get, std::string(path), std::nullopt,
                [](http::api_request&) { return http::api_response{}; },
                http::execution::inline_io});
  }
  return router;
}

TEST(OpenapiDocument, DocsCopyIsTheServedDocumentByteForByte) {
  const auto on_disk = read_file(std::string(INDEX_OPTIMIZER_SOURCE_DIR) + "/docs/openapi.json");
  ASSERT_FALSE(on_disk.empty());
  EXPECT_TRUE(on_disk == openapi_document())
      << "the served document is not docs/openapi.json: re-run cmake";
}

TEST(OpenapiDocument, IsOpenapi31WithResolvableReferences) {
  const auto doc = boost::json::parse(openapi_document());
  EXPECT_EQ(doc.at("openapi"), "3.1.0");
  const auto& schemas = doc.at("components").at("schemas").as_object();
  const std::string text(openapi_document());
  const std::string marker = "\"$ref\": \"#/components/";
  for (auto at = text.find(marker); at != std::string::npos; at = text.find(marker, at + 1)) {
    const auto start = at + marker.size();
    const auto end = text.find('"', start);
    const auto ref = text.substr(start, end - start);  // "schemas/X", "responses/Y", ...
    const auto slash = ref.find('/');
    const auto& section = doc.at("components").at(ref.substr(0, slash)).as_object();
    EXPECT_TRUE(section.contains(ref.substr(slash + 1))) << ref;
  }
  EXPECT_TRUE(schemas.contains("NamespaceModel"));
}

TEST(OpenapiDocument, PathsMethodsAndPermissionsAreExactlyTheRouters) {
  redis_pool pool(redis_endpoint{"127.0.0.1", 1, "", 0, "", ""});  // never connected here
  namespace_registry registry(pool, {});
  prometheus::Registry metrics;
  optimizer_service optimizer(config{}, pool, nullptr, registry, metrics);  // never started
  const auto router = daemon_router(pool, optimizer);
  std::set<std::string> from_router;
  for (const auto& r : router.routes()) {
    std::string method(boost::beast::http::to_string(r.method));
    for (auto& c : method)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    from_router.insert(method + " " + r.path_template + " " +
                       (r.required ? std::string(to_string(*r.required)) : "open"));
  }
  std::set<std::string> from_document;
  const auto doc = boost::json::parse(openapi_document());
  for (const auto& [path, item] : doc.at("paths").as_object()) {
    for (const auto& [method, op] : item.as_object()) {
      const auto* permission = op.as_object().if_contains("x-required-permission");
      const bool open = op.as_object().contains("security") && op.at("security").as_array().empty();
      EXPECT_NE(permission == nullptr, !open) << method << " " << path
                                              << ": an operation is either open or names a "
                                                 "permission";
      from_document.insert(std::string(method) + " " + std::string(path) + " " +
                           (permission ? std::string(permission->as_string()) : "open"));
    }
  }
  EXPECT_EQ(from_document, from_router);
}

// The README's quick start creates a namespace with `"feature_extractors": []`; the document must
// not forbid what the daemon accepts (Mixpeek's spec has minItems 1, docs/api.md says why not).
TEST(OpenapiDocument, CreateRequiresFeatureExtractorsButAcceptsAnEmptyListAsTheDaemonDoes) {
  const auto doc = boost::json::parse(openapi_document());
  const auto& create = doc.at("components").at("schemas").at("CreateNamespaceRequest");
  const auto& required = create.at("required").as_array();
  EXPECT_NE(std::find(required.begin(), required.end(), boost::json::value("feature_extractors")),
            required.end());
  const auto& extractors = create.at("properties").at("feature_extractors").as_object();
  EXPECT_EQ(extractors.at("type"), "array");
  EXPECT_FALSE(extractors.contains("minItems")) << boost::json::serialize(extractors);

  EXPECT_TRUE(
      parse_create_namespace_request(R"({"namespace_name": "shop", "feature_extractors": []})"));
  EXPECT_FALSE(parse_create_namespace_request(R"({"namespace_name": "shop"})"));
}

}  // namespace
}  // namespace index_optimizer
