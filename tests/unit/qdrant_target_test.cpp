// Request targets and Host headers the Qdrant client sends: names that are JSON paths or carry
// any Unicode must reach Qdrant as one path segment each.
#include "qdrant_client/qdrant_target.hpp"

#include <gtest/gtest.h>

namespace index_optimizer::qdrant {
namespace {

TEST(QdrantTargetTest, UnreservedCharactersStayAsTheyAre) {
  EXPECT_EQ(encode_path_segment("ns_abc-1.v2~x"), "ns_abc-1.v2~x");
  EXPECT_EQ(encode_path_segment(""), "");
}

TEST(QdrantTargetTest, PathSyntaxAndNonAsciiArePercentEncoded) {
  EXPECT_EQ(encode_path_segment("a[].b"), "a%5B%5D.b");
  EXPECT_EQ(encode_path_segment("x/y"), "x%2Fy");
  EXPECT_EQ(encode_path_segment("100%"), "100%25");
  EXPECT_EQ(encode_path_segment("a b"), "a%20b");
  EXPECT_EQ(encode_path_segment("\xC3\xBC"), "%C3%BC");  // ü
  EXPECT_EQ(encode_path_segment("\"k\"?#&+="), "%22k%22%3F%23%26%2B%3D");
  EXPECT_EQ(encode_path_segment(std::string("\x00\x7F", 2)), "%00%7F");
}

TEST(QdrantTargetTest, TargetsOfEachOperation) {
  EXPECT_EQ(collection_target("ns_a"), "/collections/ns_a");
  EXPECT_EQ(collection_target("a/b"), "/collections/a%2Fb");
  EXPECT_EQ(create_index_target("ns_a", std::chrono::seconds(600)),
            "/collections/ns_a/index?wait=true&timeout=600");
  EXPECT_EQ(delete_index_target("ns a", "items[].sku"),
            "/collections/ns%20a/index/items%5B%5D.sku?wait=true");
}

TEST(QdrantTargetTest, CreateIndexTimeoutIsAtLeastOneSecond) {
  // Qdrant rejects timeout=0 with 422.
  EXPECT_EQ(create_index_target("c", std::chrono::seconds(0)),
            "/collections/c/index?wait=true&timeout=1");
}

TEST(QdrantTargetTest, HostHeaderOmitsTheDefaultPortAndBracketsIpv6) {
  EXPECT_EQ(host_header({"http", "qdrant", 6333}), "qdrant:6333");
  EXPECT_EQ(host_header({"http", "qdrant", 80}), "qdrant");
  EXPECT_EQ(host_header({"https", "x.cloud.qdrant.io", 443}), "x.cloud.qdrant.io");
  EXPECT_EQ(host_header({"https", "x.cloud.qdrant.io", 6333}), "x.cloud.qdrant.io:6333");
  EXPECT_EQ(host_header({"http", "::1", 6333}), "[::1]:6333");
}

TEST(QdrantTargetTest, IpLiteralsAreRecognised) {
  EXPECT_TRUE(is_ip_literal("127.0.0.1"));
  EXPECT_TRUE(is_ip_literal("::1"));
  EXPECT_TRUE(is_ip_literal("fe80::1"));
  EXPECT_FALSE(is_ip_literal("localhost"));
  EXPECT_FALSE(is_ip_literal("1.2.3.4.example"));
  EXPECT_FALSE(is_ip_literal(""));
}

}  // namespace
}  // namespace index_optimizer::qdrant
