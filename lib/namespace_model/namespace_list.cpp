#include "namespace_model/namespace_list.hpp"

#include "namespace_model/json_checks.hpp"

#include <boost/json/array.hpp>

namespace index_optimizer {
namespace {

using json_checks::nullable;

double average(std::int64_t total, std::size_t count) {
  return count == 0 ? 0.0 : static_cast<double>(total) / static_cast<double>(count);
}

}  // namespace

namespace_list_stats compute_list_stats(std::span<const namespace_model> namespaces) {
  namespace_list_stats stats;
  for (const auto& ns : namespaces) {
    stats.total_feature_extractors += static_cast<std::int64_t>(ns.feature_extractors.size());
    stats.total_payload_indexes += static_cast<std::int64_t>(ns.payload_indexes.size());
    stats.total_documents += ns.document_count.value_or(0);
    stats.total_buckets += ns.bucket_count.value_or(0);
    stats.total_collections += ns.collection_count.value_or(0);
    stats.total_objects += ns.object_count.value_or(0);
  }
  const std::size_t n = namespaces.size();
  stats.avg_feature_extractors_per_namespace = average(stats.total_feature_extractors, n);
  stats.avg_payload_indexes_per_namespace = average(stats.total_payload_indexes, n);
  stats.avg_documents_per_namespace = average(stats.total_documents, n);
  stats.avg_buckets_per_namespace = average(stats.total_buckets, n);
  stats.avg_collections_per_namespace = average(stats.total_collections, n);
  stats.avg_objects_per_namespace = average(stats.total_objects, n);
  return stats;
}

boost::json::object to_json(const pagination_response& p) {
  return {{"total", nullable(p.total)},
          {"page", nullable(p.page)},
          {"page_size", nullable(p.page_size)},
          {"total_pages", nullable(p.total_pages)},
          {"next_page", nullable(p.next_page)},
          {"previous_page", nullable(p.previous_page)},
          {"next_cursor", nullable(p.next_cursor)}};
}

boost::json::object to_json(const namespace_list_stats& s) {
  return {{"total_feature_extractors", s.total_feature_extractors},
          {"total_payload_indexes", s.total_payload_indexes},
          {"total_documents", s.total_documents},
          {"total_buckets", s.total_buckets},
          {"total_collections", s.total_collections},
          {"total_objects", s.total_objects},
          {"avg_feature_extractors_per_namespace", s.avg_feature_extractors_per_namespace},
          {"avg_payload_indexes_per_namespace", s.avg_payload_indexes_per_namespace},
          {"avg_documents_per_namespace", s.avg_documents_per_namespace},
          {"avg_buckets_per_namespace", s.avg_buckets_per_namespace},
          {"avg_collections_per_namespace", s.avg_collections_per_namespace},
          {"avg_objects_per_namespace", s.avg_objects_per_namespace}};
}

boost::json::object list_namespaces_response_json(
    std::span<const namespace_model> results, const pagination_response& pagination,
    std::int64_t total_count, const std::optional<namespace_list_stats>& stats) {
  boost::json::array items;
  items.reserve(results.size());
  for (const auto& ns : results)
    items.emplace_back(to_api_json(ns));
  return {{"results", std::move(items)},
          {"pagination", to_json(pagination)},
          {"total_count", total_count},
          {"stats", stats ? boost::json::value(to_json(*stats)) : boost::json::value(nullptr)}};
}

}  // namespace index_optimizer
