#include "ingest/dead_letter_replay.hpp"

#include <algorithm>

#include "ingest/namespace_resolver.hpp"
#include "ingest/stream_entries.hpp"
#include "redis/redis_script.hpp"

namespace index_optimizer {
namespace {

// KEYS[1] the dead-letter stream, KEYS[2] the event stream; ARGV[1] the dead letter's id, then the
// fields and values to add. Only the call that deleted the dead letter adds the entry.
const redis_script& move_script() {
  static const redis_script script(R"lua(
if redis.call('XDEL', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('XADD', KEYS[2], '*', unpack(ARGV, 2))
return 1
)lua");
  return script;
}

// Entries read per XRANGE: bounds the memory a page holds (dead letters are at most
// ingest.max_event_bytes each).
constexpr int k_page_entries = 200;

redis_error error_reply(std::string_view during, const redis_reply& reply) {
  return redis_error{redis_errc::server, std::string(during) + ": " + describe(reply)};
}

struct pending_move {
  std::string_view dead_id;
  std::string_view stream;
  std::vector<std::string> fields;
};

}  // namespace

std::string_view to_string(replay_verdict verdict) noexcept {
  switch (verdict) {
    case replay_verdict::replay:
      return "replay";
    case replay_verdict::other_reason:
      return "other_reason";
    case replay_verdict::other_namespace:
      return "other_namespace";
    case replay_verdict::prefix_only:
      return "prefix_only";
    case replay_verdict::unknown_stream:
      return "unknown_stream";
    case replay_verdict::not_a_dead_letter:
      return "not_a_dead_letter";
  }
  return "not_a_dead_letter";
}

std::string_view original_namespace(const stored_dead_letter& dead) noexcept {
  for (const auto& [name, value] : dead.original) {
    if (name == "namespace") return value;
  }
  return {};
}

replay_verdict judge_dead_letter(const std::optional<stored_dead_letter>& dead,
                                 const replay_selection& selection,
                                 std::span<const std::string> streams) {
  if (!dead) return replay_verdict::not_a_dead_letter;
  const auto reason = parse_decode_reason(dead->reason);
  if (!reason || std::find(selection.reasons.begin(), selection.reasons.end(), *reason) ==
                     selection.reasons.end()) {
    return replay_verdict::other_reason;
  }
  if (selection.namespace_ref && original_namespace(*dead) != *selection.namespace_ref) {
    return replay_verdict::other_namespace;
  }
  if (!dead->whole) return replay_verdict::prefix_only;
  // Only into a stream the daemon consumes: the dead letter names its stream, and that text is
  // data, not configuration.
  if (std::find(streams.begin(), streams.end(), dead->source_stream) == streams.end()) {
    return replay_verdict::unknown_stream;
  }
  return replay_verdict::replay;
}

std::vector<std::string> replayed_fields(const stored_dead_letter& dead) {
  std::vector<std::string> fields;
  fields.reserve(2 * dead.original.size() + 2);
  bool has_ts = false;
  for (const auto& [name, value] : dead.original) {
    has_ts = has_ts || name == "ts";
    fields.emplace_back(name);
    fields.emplace_back(value);
  }
  if (!has_ts) {
    if (const auto id = parse_stream_id(dead.source_id)) {
      fields.emplace_back("ts");
      fields.push_back(std::to_string(id->ms));
    }
  }
  return fields;
}

redis_result<replay_report> replay_dead_letters(redis_connection& connection, const config& cfg,
                                                const replay_options& options) {
  replay_report report;
  std::vector<std::string> dead_streams;
  for (const auto& stream : cfg.ingest.streams) {
    auto dead = dead_letter_stream_for(cfg.ingest, stream);
    if (std::find(dead_streams.begin(), dead_streams.end(), dead) == dead_streams.end()) {
      dead_streams.push_back(std::move(dead));
    }
  }
  if (!options.dry_run) {
    auto loaded = connection.command({"SCRIPT", "LOAD", move_script().source()});
    if (!loaded) return loaded.error();
    if (loaded->is_error()) return error_reply("SCRIPT LOAD of the replay script", *loaded);
  }
  namespace_resolver resolver(cfg.redis.key_prefix);
  const auto limit_reached = [&] { return options.limit > 0 && report.replayed >= options.limit; };
  std::vector<stream_entry_view> entries;
  for (const auto& dead_stream : dead_streams) {
    auto newest = connection.command({"XREVRANGE", dead_stream, "+", "-", "COUNT", "1"});
    if (!newest) return newest.error();
    if (!parse_xrange_reply(*newest, entries)) return error_reply("XREVRANGE", *newest);
    if (entries.empty()) continue;
    const std::string last = std::string(entries.front().id);
    std::string start = "-";
    while (!limit_reached()) {
      auto page = connection.command(
          {"XRANGE", dead_stream, start, last, "COUNT", std::to_string(k_page_entries)});
      if (!page) return page.error();
      if (!parse_xrange_reply(*page, entries)) return error_reply("XRANGE", *page);
      if (entries.empty()) break;
      std::vector<pending_move> moves;
      std::string_view scanned_to;
      const auto read_at = namespace_cache::clock::now();
      for (const auto& entry : entries) {
        if (options.limit > 0 && report.replayed + moves.size() >= options.limit) break;
        scanned_to = entry.id;
        ++report.scanned;
        const auto dead = parse_dead_letter(entry.fields);
        const auto verdict = judge_dead_letter(dead, options.selection, cfg.ingest.streams);
        if (verdict != replay_verdict::replay) {
          ++report.by_verdict[static_cast<std::size_t>(verdict)];
          continue;
        }
        auto exists = resolver.resolve(connection, original_namespace(*dead), read_at);
        if (!exists) return exists.error();
        if (*exists == nullptr) {
          ++report.namespace_missing;
          continue;
        }
        moves.push_back({entry.id, dead->source_stream, replayed_fields(*dead)});
      }
      if (options.dry_run) {
        report.replayed += moves.size();
      } else if (!moves.empty()) {
        std::vector<redis_command> commands;
        commands.reserve(moves.size());
        for (auto& m : moves) {
          redis_command command{"EVALSHA",   move_script().sha1(),  "2",
                                dead_stream, std::string(m.stream), std::string(m.dead_id)};
          command.insert(command.end(), std::make_move_iterator(m.fields.begin()),
                         std::make_move_iterator(m.fields.end()));
          commands.push_back(std::move(command));
        }
        auto replies = connection.pipeline(commands);
        if (!replies) return replies.error();
        for (const auto& reply : *replies) {
          if (reply.is_error()) return error_reply("the replay script", reply);
          if (reply.to_integer().value_or(0) == 1) {
            ++report.replayed;
          } else {
            ++report.already_moved;
          }
        }
      }
      if (scanned_to.empty() || scanned_to == last) break;
      start = "(" + std::string(scanned_to);
    }
  }
  return report;
}

int run_dead_letter_replay(const config& cfg, const replay_options& options, std::ostream& out,
                           std::ostream& err) {
  auto connection = redis_connection::connect(cfg.redis.endpoint, cfg.redis.connect_timeout,
                                              cfg.redis.command_timeout);
  if (!connection) {
    err << "index-optimizer: cannot connect to Redis: " << connection.error().message << "\n";
    return 1;
  }
  auto report = replay_dead_letters(*connection, cfg, options);
  if (!report) {
    err << "index-optimizer: replay stopped: " << report.error().message
        << " (what was replayed before stays replayed; run it again to go on)\n";
    return 1;
  }
  out << "dead letters read: " << report->scanned << "\n"
      << (options.dry_run ? "would be replayed: " : "replayed: ") << report->replayed << "\n"
      << "left, their namespace does not exist: " << report->namespace_missing << "\n";
  for (std::size_t v = 0; v < k_replay_verdicts; ++v) {
    if (v == static_cast<std::size_t>(replay_verdict::replay)) continue;
    out << "left, " << to_string(static_cast<replay_verdict>(v)) << ": " << report->by_verdict[v]
        << "\n";
  }
  if (report->already_moved > 0) {
    out << "moved by another replay meanwhile: " << report->already_moved << "\n";
  }
  return 0;
}

}  // namespace index_optimizer
