#pragma once

// Namespaces made through a running daemon's API, for tests that need a few on given Qdrant
// collections.

#include <gtest/gtest.h>

#include <string>

#include "support/daemon_process.hpp"

namespace index_optimizer::testing {

// POST /v1/namespaces `name` on Qdrant collection `collection`, with the dev admin key; fails
// the test unless it answers 200.
inline void create_namespace_on(daemon_process& daemon, const std::string& name,
                                const std::string& collection) {
  const auto r = daemon.request("POST", "/v1/namespaces",
                                R"({"namespace_name": ")" + name +
                                    R"(", "feature_extractors": [],
                                     "infrastructure": {"qdrant_collection": ")" +
                                    collection + R"("}})",
                                k_dev_admin_headers);
  ASSERT_EQ(r.status, 200u) << r.body;
}

}  // namespace index_optimizer::testing
