#include "window_store/window_keys.hpp"

#include <charconv>

namespace index_optimizer {

std::string hash_tag_of(std::string_view stream) {
  // Redis Cluster's rule: the text between the first '{' and the first '}' after it, when that is
  // not empty.
  const auto open = stream.find('{');
  if (open != std::string_view::npos) {
    const auto close = stream.find('}', open + 1);
    if (close != std::string_view::npos && close > open + 1) {
      return std::string(stream.substr(open, close - open + 1));
    }
  }
  return "{" + std::string(stream) + "}";
}

std::string consumer_tokens_key(std::string_view key_prefix, std::string_view stream) {
  return std::string(key_prefix) + hash_tag_of(stream) + ":consumer-tokens";
}

std::string field_registry_key(std::string_view key_prefix, std::string_view stream,
                               std::string_view namespace_id) {
  return std::string(key_prefix) + hash_tag_of(stream) + ":win:fields:" + std::string(namespace_id);
}

window_keys::window_keys(std::string_view key_prefix, std::string_view stream, window_kind kind)
    : base_(std::string(key_prefix) + hash_tag_of(stream) +
            ":win:" + (kind == window_kind::decision ? "d:" : "a:")) {}

std::string window_keys::totals(std::string_view namespace_id) const {
  return base_ + "tot:" + std::string(namespace_id);
}

std::string window_keys::bucket(std::string_view namespace_id, std::int64_t start_ms) const {
  return bucket(namespace_id, std::to_string(start_ms));
}

std::string window_keys::bucket(std::string_view namespace_id, std::string_view start) const {
  std::string key = base_ + "b:";
  key += namespace_id;
  key += ':';
  key += start;
  return key;
}

std::string window_keys::bucket_log(std::string_view namespace_id, std::string_view start) const {
  std::string key = base_ + "l:";
  key += namespace_id;
  key += ':';
  key += start;
  return key;
}

std::string window_keys::namespace_buckets(std::string_view namespace_id) const {
  return base_ + "nsb:" + std::string(namespace_id);
}

std::string window_keys::due() const {
  return base_ + "due";
}

std::string window_keys::unfolded() const {
  return base_ + "open";
}

std::string window_keys::unfolded(std::string_view namespace_id) const {
  return base_ + "open:" + std::string(namespace_id);
}

std::string window_keys::expiring() const {
  return base_ + "exp";
}

std::string format_due_member(std::int64_t start_ms, std::string_view namespace_id) {
  return std::to_string(start_ms) + ":" + std::string(namespace_id);
}

std::optional<due_member> parse_due_member(std::string_view member) {
  const auto colon = member.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == member.size()) {
    return std::nullopt;
  }
  due_member out;
  out.start = std::string(member.substr(0, colon));
  const auto [end, error] =
      std::from_chars(out.start.data(), out.start.data() + out.start.size(), out.start_ms);
  if (error != std::errc{} || end != out.start.data() + out.start.size()) return std::nullopt;
  out.namespace_id = std::string(member.substr(colon + 1));
  return out;
}

}  // namespace index_optimizer
