#include "qdrant_client/qdrant_target.hpp"

#include <arpa/inet.h>

#include <algorithm>

namespace index_optimizer::qdrant {

std::string encode_path_segment(std::string_view segment) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(segment.size());
  for (const char c : segment) {
    const auto byte = static_cast<unsigned char>(c);
    const bool unreserved = (byte >= 'A' && byte <= 'Z') || (byte >= 'a' && byte <= 'z') ||
                            (byte >= '0' && byte <= '9') || byte == '-' || byte == '.' ||
                            byte == '_' || byte == '~';
    if (unreserved) {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(hex[byte >> 4U]);
      out.push_back(hex[byte & 0x0FU]);
    }
  }
  return out;
}

std::string collection_target(std::string_view collection) {
  return "/collections/" + encode_path_segment(collection);
}

std::string create_index_target(std::string_view collection, std::chrono::seconds wait_timeout) {
  // Qdrant rejects timeout=0 (422).
  const auto seconds = std::max<std::chrono::seconds::rep>(wait_timeout.count(), 1);
  return collection_target(collection) + "/index?wait=true&timeout=" + std::to_string(seconds);
}

std::string delete_index_target(std::string_view collection, std::string_view field_name) {
  return collection_target(collection) + "/index/" + encode_path_segment(field_name) + "?wait=true";
}

bool is_ip_literal(std::string_view host) {
  const std::string text(host);
  in_addr v4{};
  in6_addr v6{};
  return inet_pton(AF_INET, text.c_str(), &v4) == 1 || inet_pton(AF_INET6, text.c_str(), &v6) == 1;
}

std::string host_header(const qdrant_endpoint& endpoint) {
  const bool v6 = endpoint.host.find(':') != std::string::npos;
  std::string host = v6 ? "[" + endpoint.host + "]" : endpoint.host;
  const int default_port = endpoint.tls() ? 443 : 80;
  if (endpoint.port != 0 && endpoint.port != default_port) {
    host += ":" + std::to_string(endpoint.port);
  }
  return host;
}

}  // namespace index_optimizer::qdrant
