#include "http/media_type.hpp"

#include <gtest/gtest.h>

namespace index_optimizer::http {
namespace {

TEST(JsonMediaType, JsonAndJsonSuffixTypesInAnyCaseWithParameters) {
  for (const char* type :
       {"application/json", "Application/JSON", "application/json; charset=utf-8",
        " application/json ;charset=UTF-8", "application/merge-patch+json",
        "application/vnd.api+json", "application/problem+JSON"}) {
    EXPECT_TRUE(is_json_media_type(type)) << type;
  }
}

TEST(JsonMediaType, EverythingElseIsNotJson) {
  for (const char* type :
       {"", "text/plain", "text/json", "application/x-www-form-urlencoded", "multipart/form-data",
        "application/octet-stream", "application/jsonx", "application/+json", "application", "json",
        "application/json-seq", "text/plain; note=application/json"}) {
    EXPECT_FALSE(is_json_media_type(type)) << type;
  }
}

}  // namespace
}  // namespace index_optimizer::http
