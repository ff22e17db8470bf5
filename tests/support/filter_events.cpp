#include "support/filter_events.hpp"

#include <algorithm>
#include <bit>
#include <stdexcept>

#include "window_store/window_store.hpp"

namespace index_optimizer::testing {
namespace {

struct condition {
  std::string json;  // the condition (or `fields` item) text
  index_type type;
  condition_kinds kinds;
};

enum class dialect { qdrant, mixpeek, fields };

condition condition_for(dialect d, std::size_t field, const std::string& path) {
  const std::string key = "\"" + path + "\"";
  switch (field % 6) {
    case 0:
      if (d == dialect::qdrant) {
        return {R"({"key":)" + key + R"(,"match":{"value":"red"}})", index_type::keyword,
                bit(condition_kind::match)};
      }
      if (d == dialect::mixpeek) {
        return {R"({"field":)" + key + R"(,"operator":"eq","value":"red"})", index_type::keyword,
                bit(condition_kind::match)};
      }
      return {R"({"field":)" + key + R"(,"type":"keyword","kinds":["match"]})", index_type::keyword,
              bit(condition_kind::match)};
    case 1:
      if (d == dialect::qdrant) {
        return {R"({"key":)" + key + R"(,"range":{"gte":1,"lte":9}})", index_type::integer,
                bit(condition_kind::range)};
      }
      if (d == dialect::mixpeek) {
        return {R"({"field":)" + key + R"(,"operator":"gte","value":3})", index_type::integer,
                bit(condition_kind::range)};
      }
      return {R"({"field":)" + key + R"(,"type":"integer","kinds":["range"]})", index_type::integer,
              bit(condition_kind::range)};
    case 2:
      if (d == dialect::qdrant) {
        return {R"({"key":)" + key + R"(,"range":{"gt":1.5}})", index_type::float_,
                bit(condition_kind::range)};
      }
      if (d == dialect::mixpeek) {
        return {R"({"field":)" + key + R"(,"operator":"lt","value":2.5})", index_type::float_,
                bit(condition_kind::range)};
      }
      return {R"({"field":)" + key + R"(,"type":"float"})", index_type::float_, 0};
    case 3:
      if (d == dialect::qdrant) {
        return {R"({"key":)" + key + R"(,"match":{"value":true}})", index_type::bool_,
                bit(condition_kind::match)};
      }
      if (d == dialect::mixpeek) {
        return {R"({"field":)" + key + R"(,"operator":"eq","value":false})", index_type::bool_,
                bit(condition_kind::match)};
      }
      return {R"({"field":)" + key + R"(,"type":"bool","kinds":["match"]})", index_type::bool_,
              bit(condition_kind::match)};
    case 4:
      if (d == dialect::qdrant) {
        return {R"({"key":)" + key + R"(,"match":{"text":"running shoes"}})", index_type::text,
                bit(condition_kind::text)};
      }
      if (d == dialect::mixpeek) {
        return {R"({"field":)" + key + R"(,"operator":"text","value":"shoes"})", index_type::text,
                bit(condition_kind::text)};
      }
      return {R"({"field":)" + key + R"(,"type":"text","kinds":["text"]})", index_type::text,
              bit(condition_kind::text)};
    default:
      if (d == dialect::qdrant) {
        return {R"({"is_null":{"key":)" + key + "}}", index_type::unknown,
                bit(condition_kind::is_null)};
      }
      if (d == dialect::mixpeek) {
        return {R"({"field":)" + key + R"(,"operator":"exists"})", index_type::unknown,
                bit(condition_kind::exists)};
      }
      return {key, index_type::unknown, 0};
  }
}

}  // namespace

void event_reference::add_observation(const std::string& namespace_id, const std::string& path,
                                      index_type type, condition_kinds kinds) {
  auto& field = fields[namespace_id][path];
  ++field.count;
  if (type != index_type::unknown) ++field.type_votes[static_cast<std::size_t>(type)];
  for (unsigned k = kinds; k != 0; k &= k - 1)
    ++field.kind_counts[static_cast<std::size_t>(std::countr_zero(k))];
}

filter_event_generator::filter_event_generator(std::uint64_t seed,
                                               std::vector<test_namespace> namespaces,
                                               std::size_t field_count)
    : random_(seed), namespaces_(std::move(namespaces)), field_count_(field_count) {}

entry_fields filter_event_generator::next(event_reference& reference) {
  const auto& ns = namespaces_[random_() % namespaces_.size()];
  const auto d = static_cast<dialect>(random_() % 3);
  const std::size_t wanted = 1 + random_() % std::min<std::size_t>(3, field_count_);
  std::vector<std::size_t> chosen;
  while (chosen.size() < wanted) {
    const std::size_t field = random_() % field_count_;
    if (std::find(chosen.begin(), chosen.end(), field) == chosen.end()) chosen.push_back(field);
  }
  std::string body;
  for (const auto field : chosen) {
    const std::string path = "metadata.f" + std::to_string(field);
    const auto c = condition_for(d, field, path);
    body += (body.empty() ? "" : ",") + c.json;
    reference.add_observation(ns.id, path, c.type, c.kinds);
  }
  reference.add_event(ns.id);
  entry_fields entry;
  entry.emplace_back("namespace", random_() % 2 == 0 ? ns.id : ns.name);
  if (d == dialect::qdrant) {
    entry.emplace_back("filter", R"({"must":[)" + body + "]}");
  } else if (d == dialect::mixpeek) {
    entry.emplace_back("filter", R"({"AND":[)" + body + "]}");
  } else {
    entry.emplace_back("fields", "[" + body + "]");
  }
  if (random_() % 2 == 0) entry.emplace_back("latency_ms", std::to_string(random_() % 500));
  return entry;
}

void register_namespace(redis_connection& connection, const std::string& key_prefix,
                        const test_namespace& ns) {
  const std::string doc =
      R"({"namespace_id":")" + ns.id + R"(","namespace_name":")" + ns.name + R"(","version":1})";
  const std::vector<redis_command> commands = {{"SET", key_prefix + "{ns}:doc:" + ns.id, doc},
                                               {"HSET", key_prefix + "{ns}:names", ns.name, ns.id},
                                               {"ZADD", key_prefix + "{ns}:order", "1", ns.id}};
  auto replies = connection.pipeline(commands);
  if (!replies) throw std::runtime_error(replies.error().message);
}

void add_events(redis_connection& connection, const std::string& stream,
                const std::vector<entry_fields>& events) {
  constexpr std::size_t k_chunk = 1000;
  for (std::size_t at = 0; at < events.size(); at += k_chunk) {
    std::vector<redis_command> commands;
    for (std::size_t i = at; i < std::min(events.size(), at + k_chunk); ++i) {
      redis_command command{"XADD", stream, "*"};
      for (const auto& [name, value] : events[i]) {
        command.push_back(name);
        command.push_back(value);
      }
      commands.push_back(std::move(command));
    }
    auto replies = connection.pipeline(commands);
    if (!replies) throw std::runtime_error(replies.error().message);
    for (const auto& reply : *replies) {
      if (reply.is_error()) throw std::runtime_error("XADD failed: " + reply.as_string());
    }
  }
}

group_state read_group_state(redis_connection& connection, const std::string& stream,
                             const std::string& group) {
  group_state state;
  auto reply = connection.command({"XINFO", "GROUPS", stream});
  if (!reply || !reply->is_array()) return state;
  for (const auto& g : reply->as_array()) {
    if (!g.is_array()) continue;
    const auto& kv = g.as_array();
    bool ours = false;
    group_state here;
    for (std::size_t i = 0; i + 1 < kv.size(); i += 2) {
      const auto key = kv[i].to_optional_string();
      if (key == "name") ours = kv[i + 1].to_optional_string() == group;
      if (key == "pending") here.pending = kv[i + 1].to_integer();
      if (key == "lag") here.lag = kv[i + 1].to_integer();
      if (key == "entries-read") here.entries_read = kv[i + 1].to_integer();
    }
    if (ours) return here;
  }
  return state;
}

redis_connection connect_or_throw(const redis_endpoint& endpoint) {
  auto connected =
      redis_connection::connect(endpoint, std::chrono::seconds(5), std::chrono::seconds(10));
  if (!connected) throw std::runtime_error(connected.error().message);
  return std::move(*connected);
}

std::vector<std::string> window_differences(redis_connection& connection, const config& cfg,
                                            const std::vector<test_namespace>& namespaces,
                                            const event_reference& reference) {
  std::vector<std::string> out;
  for (const auto kind : k_all_windows) {
    for (const auto& ns : namespaces) {
      const std::string where = ns.id + " (" + std::string(to_string(kind)) + " window)";
      auto stats = read_namespace_window(connection, cfg, ns.id, kind);
      if (!stats) {
        out.push_back(where + ": read failed: " + stats.error().message);
        continue;
      }
      const auto events = reference.events.find(ns.id);
      const std::uint64_t expected_events = events == reference.events.end() ? 0 : events->second;
      if (stats->events != expected_events) {
        out.push_back(where + ": " + std::to_string(stats->events) + " events, expected " +
                      std::to_string(expected_events));
      }
      const auto fields = reference.fields.find(ns.id);
      const std::size_t expected_fields =
          fields == reference.fields.end() ? 0 : fields->second.size();
      if (stats->fields.size() != expected_fields) {
        out.push_back(where + ": " + std::to_string(stats->fields.size()) + " fields, expected " +
                      std::to_string(expected_fields));
      }
      if (fields == reference.fields.end()) continue;
      for (const auto& [path, expected] : fields->second) {
        const auto* field = stats->find(path);
        if (field == nullptr) {
          out.push_back(where + " " + path + ": missing");
          continue;
        }
        if (field->count != expected.count) {
          out.push_back(where + " " + path + ": count " + std::to_string(field->count) +
                        ", expected " + std::to_string(expected.count));
        }
        if (field->type_votes != expected.type_votes) {
          out.push_back(where + " " + path + ": type votes differ");
        }
        if (field->kind_counts != expected.kind_counts) {
          out.push_back(where + " " + path + ": kind counts differ");
        }
      }
    }
  }
  return out;
}

std::vector<malformed_event> malformed_events(const std::string& known_namespace,
                                              const malformed_event_limits& limits) {
  const std::string& ns = known_namespace;
  const std::string good_filter = R"({"must": [{"key": "color", "match": {"value": "red"}}]})";
  std::string deep = "1";
  for (std::size_t i = 0; i < limits.max_filter_depth + 8; ++i)
    deep = "[" + deep + "]";
  std::string many = R"({"must": [)";
  for (std::size_t i = 0; i <= limits.max_conditions; ++i)
    many += std::string(i == 0 ? "" : ",") + R"({"key": "k", "match": {"value": 1}})";
  many += "]}";
  return {
      {decode_reason::missing_namespace, {{"filter", good_filter}}},
      {decode_reason::invalid_namespace, {{"namespace", "bad\nname"}, {"filter", good_filter}}},
      {decode_reason::unknown_namespace, {{"namespace", "nobody"}, {"filter", good_filter}}},
      {decode_reason::duplicate_entry_field,
       {{"namespace", ns}, {"filter", good_filter}, {"filter", good_filter}}},
      {decode_reason::missing_filter, {{"namespace", ns}}},
      {decode_reason::both_filter_and_fields,
       {{"namespace", ns}, {"filter", good_filter}, {"fields", "[\"a\"]"}}},
      {decode_reason::invalid_timestamp,
       {{"namespace", ns}, {"ts", "yesterday"}, {"filter", good_filter}}},
      {decode_reason::invalid_latency,
       {{"namespace", ns}, {"latency_ms", "-1"}, {"filter", good_filter}}},
      {decode_reason::too_large,
       {{"namespace", ns},
        {"filter", good_filter},
        {"padding", std::string(limits.max_event_bytes + 16, 'x')}}},
      {decode_reason::too_deep, {{"namespace", ns}, {"filter", R"({"must": )" + deep + "}"}}},
      {decode_reason::invalid_json, {{"namespace", ns}, {"filter", "{not json"}}},
      {decode_reason::unrecognised_filter, {{"namespace", ns}, {"filter", "[1, 2]"}}},
      {decode_reason::invalid_filter,
       {{"namespace", ns}, {"filter", R"({"must": [{"key": "a", "match": {"nope": 1}}]})"}}},
      {decode_reason::too_many_conditions, {{"namespace", ns}, {"filter", many}}},
      {decode_reason::invalid_field, {{"namespace", ns}, {"fields", "[\"\"]"}}},
  };
}

}  // namespace index_optimizer::testing
