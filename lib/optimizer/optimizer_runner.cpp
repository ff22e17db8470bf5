#include "optimizer/optimizer_runner.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <charconv>

#include "namespace_model/namespace_update.hpp"
#include "ops/logger.hpp"
#include "optimizer/index_claim.hpp"
#include "optimizer/window_evidence.hpp"
#include "window_store/window_store.hpp"

namespace index_optimizer {
namespace {

std::int64_t unix_ms(std::chrono::system_clock::time_point at) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count();
}

// "1.19.0" -> {1, 19}; nullopt for anything else.
std::optional<qdrant_version> parse_version(std::string_view text) {
  qdrant_version version;
  const char* end = text.data() + text.size();
  auto [dot, ec] = std::from_chars(text.data(), end, version.major);
  if (ec != std::errc{} || dot == end || *dot != '.') return std::nullopt;
  auto [rest, ec2] = std::from_chars(dot + 1, end, version.minor);
  if (ec2 != std::errc{}) return std::nullopt;
  return version;
}

bool requested(const std::vector<std::string>& names, const namespace_model& ns) {
  return std::any_of(names.begin(), names.end(), [&](const std::string& name) {
    return name == ns.namespace_id || name == ns.namespace_name;
  });
}

namespace_run namespace_entry(const namespace_model& ns) {
  namespace_run entry;
  entry.namespace_id = ns.namespace_id;
  entry.namespace_name = ns.namespace_name;
  entry.collection = qdrant_collection_name(ns);
  return entry;
}

}  // namespace

optimizer_runner::optimizer_runner(optimizer_run_environment environment)
    : env_(std::move(environment)) {
  if (!env_.clock) env_.clock = [] { return std::chrono::system_clock::now(); };
}

bool optimizer_runner::save(const run_record& run, lease_keeper& lease,
                            active_marker active) const {
  auto connection = env_.redis->acquire(env_.cfg->redis.command_timeout);
  if (!connection) {
    log_warn("optimizer history not saved",
             {{"run_id", run.run_id}, {"error", connection.error().message}});
    return true;  // Redis trouble is not proof the lease is gone; the keeper decides that
  }
  const run_save entry{run.run_id, unix_ms(run.started_at), boost::json::serialize(to_json(run)),
                       active};
  auto saved = save_run(**connection, env_.keys, lease.token(), entry,
                        env_.cfg->optimizer.history_retention, unix_ms(env_.clock()));
  if (!saved) {
    log_warn("optimizer history not saved",
             {{"run_id", run.run_id}, {"error", saved.error().message}});
    return true;
  }
  return saved.value();
}

void optimizer_runner::finish(const run_record& run, lease_keeper& lease,
                              std::optional<std::int64_t> next_run_ms) const {
  if (run.status == run_status::abandoned) {
    lease.release();
    return;
  }
  auto connection = env_.redis->acquire(env_.cfg->redis.command_timeout);
  if (!connection) {
    log_warn("optimizer run's final state not saved",
             {{"run_id", run.run_id}, {"error", connection.error().message}});
    lease.release();
    return;
  }
  run_save entry{run.run_id, unix_ms(run.started_at), boost::json::serialize(to_json(run)),
                 active_marker::clear};
  entry.next_run_ms = next_run_ms;
  entry.release_lease = true;
  auto saved = save_run(**connection, env_.keys, lease.token(), entry,
                        env_.cfg->optimizer.history_retention, unix_ms(env_.clock()));
  if (saved && saved.value()) {
    lease.mark_released();
    return;
  }
  if (!saved) {
    log_warn("optimizer run's final state not saved",
             {{"run_id", run.run_id}, {"error", saved.error().message}});
  } else {
    log_warn("optimizer run's final state not saved: the lease was taken over",
             {{"run_id", run.run_id}});
  }
  lease.release();
}

std::vector<namespace_plan_input> optimizer_runner::gather(run_record& run,
                                                           std::vector<namespace_model> spaces) {
  std::vector<namespace_plan_input> inputs;
  for (auto& ns : spaces) {
    if (env_.heartbeat) env_.heartbeat();
    namespace_run entry = namespace_entry(ns);
    std::vector<field_evidence> fields;
    {
      auto connection = env_.redis->acquire(env_.cfg->redis.command_timeout);
      if (!connection) {
        entry.status = namespace_status::failed;
        entry.error = "redis: " + connection.error().message;
      } else {
        auto window =
            read_namespace_window(**connection, *env_.cfg, ns.namespace_id, window_kind::decision);
        if (!window) {
          entry.status = namespace_status::failed;
          entry.error = "reading the decision window failed: " + window.error().message;
        } else {
          fields = to_field_evidence(window.value());
        }
      }
    }
    std::optional<qdrant_collection_info> collection;
    if (entry.status != namespace_status::failed && env_.qdrant != nullptr) {
      auto info = env_.qdrant->collection_info(entry.collection);
      if (!info) {
        entry.status = namespace_status::failed;
        const auto& error = info.error();
        entry.error =
            error.what == qdrant_error::kind::http_status && error.status == 404
                ? "Qdrant has no collection '" + entry.collection + "'"
                : "reading Qdrant collection '" + entry.collection + "' failed: " + describe(error);
      } else {
        entry.points_count = info.value().points_count;
        collection = std::move(info).value();
      }
    }
    if (entry.status == namespace_status::failed) {
      log_warn("optimizer skips a namespace this run",
               {{"run_id", run.run_id}, {"namespace_id", ns.namespace_id}, {"error", entry.error}});
      run.namespaces.push_back(std::move(entry));
      continue;
    }
    run.namespaces.push_back(std::move(entry));
    inputs.push_back({std::move(ns), std::move(fields), std::move(collection)});
  }
  return inputs;
}

void optimizer_runner::claim(const namespace_run& ns, field_step& step, lease_keeper& lease,
                             bool& lost) {
  const auto now = env_.clock();
  const auto_created_info info{now, static_cast<std::int64_t>(step.decision.evidence.count)};
  write_options options;
  options.read_qdrant_indexes = true;
  options.confirm_before_qdrant = [&] { return lease.confirm(); };
  options.confirm_before_store = [&] { return lease.confirm(); };
  // An index Qdrant built but that could not be listed is adopted by the next run: undoing it
  // would throw a finished build away only to build it again.
  options.unstored = unstored_qdrant_changes::keep;
  index_claim claim;
  const auto written = env_.writer->update(
      ns.namespace_id,
      [&](const change_context& context) -> change_outcome {
        claim = decide_claim(step.decision, context.current, context.qdrant_indexes);
        if (claim.what != index_claim::kind::list) return context.current;
        return with_auto_created_index(context.current, claim.index, info, now);
      },
      options);
  if (record_claim(written, claim, info, step)) lost = true;
}

void optimizer_runner::execute_namespace(run_record& run, namespace_run& ns, lease_keeper& lease,
                                         const std::atomic<bool>& stop, bool& lost,
                                         bool& interrupted) {
  for (auto& step : ns.fields) {
    if (step.result != field_result::not_attempted) continue;
    if (stop.load()) {
      interrupted = true;
      return;
    }
    if (!lease.held()) {
      lost = true;
      return;
    }
    claim(ns, step, lease, lost);
    if (lost) {
      if (step.result == field_result::not_attempted) step.error = "the lease was lost";
      return;
    }
    if (env_.metrics != nullptr) {
      const auto type = step.decision.index ? step.decision.index->type : step.decision.chosen_type;
      env_.metrics->index_result(step.result, type);
    }
    log_info("optimizer field", {{"run_id", run.run_id},
                                 {"namespace_id", ns.namespace_id},
                                 {"field", step.decision.evidence.path},
                                 {"action", to_string(step.decision.action)},
                                 {"result", to_string(step.result)},
                                 {"error", step.error}});
    // Saved after every field, so a leader that dies mid-run leaves a history of what it did.
    if (!save(run, lease, active_marker::keep)) {
      lost = true;
      return;
    }
    if (env_.heartbeat) env_.heartbeat();
    if (env_.after_field) env_.after_field(run, step);
  }
}

run_record optimizer_runner::execute(run_record run, lease_keeper& lease,
                                     const std::atomic<bool>& stop) {
  const auto finish = [&](run_status status) {
    run.status = status;
    run.finished_at = env_.clock();
    return run;
  };

  if (stop.load()) return finish(run_status::interrupted);

  std::optional<qdrant_version> server_version;
  if (env_.qdrant != nullptr) {
    if (auto version = env_.qdrant->server_version()) {
      run.qdrant_version = version.value().version;
      server_version = parse_version(version.value().version);
    } else {
      log_warn("optimizer: Qdrant's version is unknown; version-dependent params are left out",
               {{"run_id", run.run_id}, {"error", describe(version.error())}});
    }
  }
  run.settings.server_version = server_version;

  auto listed = env_.writer->registry().list();
  if (!listed) {
    run.error = "listing namespaces failed: " + listed.error().message;
    return finish(run_status::failed);
  }
  // Before the loop below moves the eligible namespaces out of the listing.
  if (run.requested_namespaces) {
    for (const auto& name : *run.requested_namespaces) {
      const bool found = std::any_of(
          listed.value().begin(), listed.value().end(),
          [&](const auto& ns) { return ns.namespace_id == name || ns.namespace_name == name; });
      if (found) continue;
      namespace_run entry;
      entry.namespace_id = name;
      entry.status = namespace_status::skipped;
      entry.error = "no namespace with this id or name";
      run.namespaces.push_back(std::move(entry));
    }
  }
  std::vector<namespace_model> eligible;
  for (auto& ns : listed.value()) {
    if (run.requested_namespaces) {
      if (!requested(*run.requested_namespaces, ns)) continue;
      if (!ns.auto_create_indexes) {
        auto entry = namespace_entry(ns);
        entry.status = namespace_status::skipped;
        entry.error = "auto_create_indexes is false for this namespace";
        run.namespaces.push_back(std::move(entry));
        continue;
      }
    } else if (!ns.auto_create_indexes) {
      continue;
    }
    eligible.push_back(std::move(ns));
  }

  const auto inputs = gather(run, std::move(eligible));
  auto plans = plan_run(inputs, run.settings);
  for (auto& plan : plans) {
    auto it = std::find_if(run.namespaces.begin(), run.namespaces.end(), [&](const auto& ns) {
      return ns.namespace_id == plan.namespace_id && ns.status == namespace_status::planned;
    });
    if (it == run.namespaces.end()) continue;
    std::size_t skips = 0;
    for (auto& decision : plan.decisions) {
      field_step step;
      const bool acts = decision.action != decision_action::skip;
      // Decisions come most used first: the record keeps the first skips and counts the rest.
      if (!acts && ++skips > k_recorded_skips_per_namespace) {
        ++it->omitted_skips[decision.reason];
        continue;
      }
      step.result = !acts ? field_result::skipped
                          : (run.dry_run ? field_result::planned : field_result::not_attempted);
      step.decision = std::move(decision);
      it->fields.push_back(std::move(step));
    }
  }
  if (run.dry_run) {
    for (auto& ns : run.namespaces) {
      if (ns.status == namespace_status::planned) ns.status = namespace_status::done;
    }
  }
  if (!save(run, lease, active_marker::keep)) return finish(run_status::abandoned);

  bool lost = false;
  bool interrupted = false;
  if (!run.dry_run) {
    for (auto& ns : run.namespaces) {
      if (ns.status != namespace_status::planned) continue;
      execute_namespace(run, ns, lease, stop, lost, interrupted);
      if (lost) return finish(run_status::abandoned);
      if (interrupted) break;
      ns.status = namespace_status::done;
    }
  }
  if (interrupted) return finish(run_status::interrupted);

  // A field left not_attempted by a finished run was refused by Qdrant's circuit breaker or
  // bulkhead: the run did not do everything it planned either.
  bool any_failure = false;
  for (const auto& ns : run.namespaces) {
    if (ns.status == namespace_status::failed) any_failure = true;
    for (const auto& step : ns.fields) {
      if (step.result == field_result::failed || step.result == field_result::not_attempted) {
        any_failure = true;
      }
    }
  }
  return finish(any_failure ? run_status::partial : run_status::succeeded);
}

}  // namespace index_optimizer
