// The parsed-document cache (namespace_registry/parsed_document_cache.hpp): a model is reused only
// for the exact text it was parsed from, and the cache stays within its capacity.
#include <gtest/gtest.h>

#include <string>

#include "namespace_registry/parsed_document_cache.hpp"

namespace index_optimizer {
namespace {

namespace_model model_named(const std::string& name, std::int64_t version) {
  namespace_model model;
  model.namespace_id = "ns_0000000000001";
  model.namespace_name = name;
  model.version = version;
  return model;
}

TEST(ParsedDocumentCache, ReusesAModelOnlyForTheExactTextItWasParsedFrom) {
  parsed_document_cache cache;
  EXPECT_FALSE(cache.find("doc:a", R"({"v":1})"));
  cache.store("doc:a", R"({"v":1})", model_named("first", 1));
  const auto found = cache.find("doc:a", R"({"v":1})");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->namespace_name, "first");
  EXPECT_EQ(found->version, 1);
  // Another writer's change is another text: not this model, whatever the key.
  EXPECT_FALSE(cache.find("doc:a", R"({"v":2})"));
  EXPECT_FALSE(cache.find("doc:b", R"({"v":1})"));
  // A new parse of the key replaces the old one.
  cache.store("doc:a", R"({"v":2})", model_named("second", 2));
  EXPECT_FALSE(cache.find("doc:a", R"({"v":1})"));
  EXPECT_EQ(cache.find("doc:a", R"({"v":2})")->namespace_name, "second");
  EXPECT_EQ(cache.size(), 1u);
}

TEST(ParsedDocumentCache, StaysWithinItsCapacity) {
  parsed_document_cache cache(3);
  for (int i = 0; i < 10; ++i)
    cache.store("doc:" + std::to_string(i), "text", model_named("n", i));
  EXPECT_EQ(cache.size(), 3u);
  // The latest key always finds room.
  EXPECT_EQ(cache.find("doc:9", "text")->version, 9);

  parsed_document_cache none(0);
  none.store("doc:a", "text", model_named("n", 1));
  EXPECT_EQ(none.size(), 0u);
  EXPECT_FALSE(none.find("doc:a", "text"));
}

}  // namespace
}  // namespace index_optimizer
