#pragma once

#include "namespace_model/namespace_model.hpp"

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace index_optimizer {

// Mixpeek's PaginationResponse (cursor based; totals only when asked for).
struct pagination_response {
  std::optional<std::int64_t> total;
  std::optional<std::int64_t> page;
  std::optional<std::int64_t> page_size;
  std::optional<std::int64_t> total_pages;
  std::optional<std::string> next_page;
  std::optional<std::string> previous_page;
  std::optional<std::string> next_cursor;

  friend bool operator==(const pagination_response&, const pagination_response&) = default;
};

// Mixpeek's NamespaceListStats; null counts add nothing, averages are 0 for an empty list.
struct namespace_list_stats {
  std::int64_t total_feature_extractors = 0;
  std::int64_t total_payload_indexes = 0;
  std::int64_t total_documents = 0;
  std::int64_t total_buckets = 0;
  std::int64_t total_collections = 0;
  std::int64_t total_objects = 0;
  double avg_feature_extractors_per_namespace = 0.0;
  double avg_payload_indexes_per_namespace = 0.0;
  double avg_documents_per_namespace = 0.0;
  double avg_buckets_per_namespace = 0.0;
  double avg_collections_per_namespace = 0.0;
  double avg_objects_per_namespace = 0.0;

  friend bool operator==(const namespace_list_stats&, const namespace_list_stats&) = default;
};

namespace_list_stats compute_list_stats(std::span<const namespace_model> namespaces);

boost::json::object to_json(const pagination_response& pagination);
boost::json::object to_json(const namespace_list_stats& stats);

// ListNamespacesResponse: {"results": [NamespaceModel (API form)...], "pagination",
// "total_count", "stats" (object or null)}.
boost::json::object list_namespaces_response_json(std::span<const namespace_model> results,
                                                  const pagination_response& pagination,
                                                  std::int64_t total_count,
                                                  const std::optional<namespace_list_stats>& stats);

}  // namespace index_optimizer
