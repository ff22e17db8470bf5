#pragma once

#include <gtest/gtest.h>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

namespace index_optimizer::testing {

// Whether a namespace as the API shows it (`GET /v1/namespaces/{id}`) claims exactly the
// indexes a Qdrant collection has (`payload_schema` as GET /collections/{c} shows it), compared
// field by field: every claimed index exists in Qdrant with the same schema, and Qdrant has no
// index the namespace does not claim.
::testing::AssertionResult namespace_matches_qdrant(const boost::json::value& ns,
                                                    const boost::json::object& payload_schema);

// The weaker guarantee while an index change's outcome is unknown (Qdrant did not answer and
// could not be read back): the namespace claims no index Qdrant lacks or has with another
// schema, but Qdrant may have more.
::testing::AssertionResult namespace_claims_only_qdrant_indexes(
    const boost::json::value& ns, const boost::json::object& payload_schema);

}  // namespace index_optimizer::testing
