// scimd-replay: replays Microsoft Entra ID's initial provisioning cycle against a SCIM server
// (lookup then create for every user, the same for groups, then member PATCH batches of 25)
// over C keep-alive connections on one thread, and reports wall time per phase, req/s and
// latency percentiles per request kind. --blind skips reply parsing, for a fixed-reply server.
// Exit status: 0 all as expected, 1 unexpected replies or socket errors, 2 usage, 3 deadline.
#include <sys/resource.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json.hpp>

#include "connection.h"
#include "latency.h"
#include "workload.h"

namespace scimd::replay {
namespace {
namespace asio = boost::asio;
namespace json = boost::json;
using http_verb = boost::beast::http::verb;
using Clock = std::chrono::steady_clock;

enum class Kind { user_lookup, user_create, group_lookup, group_create, member_patch };
constexpr std::array<const char*, 5> kKindNames = {"user_lookup", "user_create", "group_lookup",
                                                   "group_create", "member_patch"};
constexpr std::size_t kKeptFailures = 5;
// A worker that cannot reach the server at all would otherwise spin through its whole share.
constexpr std::size_t kMaxConsecutiveSocketErrors = 50;

struct Options {
  std::string base_url;
  std::string token;
  WorkloadSize size;
  std::size_t concurrency = 16;
  bool blind = false;
  bool json_output = false;
  double deadline_seconds = 0;
};

struct Failure {
  Kind kind;
  unsigned status;
  std::string target;
  std::string detail;
};

struct PhaseResult {
  const char* name;
  double seconds = 0;
  std::size_t requests = 0;
};

// Everything the workers share; they all run on one thread, so no locking.
struct Replay {
  explicit Replay(Options given)
      : options(std::move(given)),
        workload(options.size),
        user_ids(options.size.users),
        group_ids(options.size.groups) {}

  Options options;
  Workload workload;
  std::vector<std::string> user_ids;
  std::vector<std::string> group_ids;
  std::array<LatencyLog, 5> latency;
  std::size_t next = 0;  // the next item of the running phase
  std::size_t requests = 0;
  std::size_t unexpected = 0;
  std::size_t socket_errors = 0;
  std::size_t skipped_members = 0;
  std::size_t consecutive_socket_errors = 0;
  std::vector<Failure> failures;
  std::string stop_reason;  // empty while running

  void fail(Kind kind, unsigned status, std::string_view target, std::string detail) {
    if (failures.size() < kKeptFailures) {
      if (detail.size() > 400) detail.resize(400);
      failures.push_back({kind, status, std::string(target), std::move(detail)});
    }
  }

  asio::awaitable<Reply> send(Connection& connection, Kind kind, http_verb method,
                              std::string_view target, std::string body) {
    const Clock::time_point start = Clock::now();
    Reply reply = co_await connection.send(method, target, std::move(body));
    latency[static_cast<std::size_t>(kind)].add(Clock::now() - start);
    ++requests;
    if (reply.error && stop_reason.empty()) {
      ++socket_errors;
      fail(kind, 0, target, reply.error.message());
      if (++consecutive_socket_errors >= kMaxConsecutiveSocketErrors) {
        stop_reason = "too many consecutive socket errors";
      }
    } else {
      consecutive_socket_errors = 0;
    }
    co_return reply;
  }

  // True when `reply` has one of the expected statuses (any 2xx in blind mode).
  bool expect(Kind kind, const Reply& reply, std::string_view target,
              std::initializer_list<unsigned> statuses) {
    if (reply.error) return false;
    const bool ok =
        options.blind ? reply.status / 100 == 2
                      : std::find(statuses.begin(), statuses.end(), reply.status) != statuses.end();
    if (!ok) {
      ++unexpected;
      fail(kind, reply.status, target, reply.body);
    }
    return ok;
  }

  // A lookup before a create must find nothing: 200 with totalResults 0.
  bool expect_empty(Kind kind, const Reply& reply, std::string_view target) {
    if (!expect(kind, reply, target, {200})) return false;
    if (options.blind) return true;
    boost::system::error_code error;
    const json::value body = json::parse(reply.body, error);
    const json::value* total =
        error || !body.is_object() ? nullptr : body.as_object().if_contains("totalResults");
    if (total != nullptr && total->is_number() && total->to_number<double>() == 0) return true;
    ++unexpected;
    fail(kind, reply.status, target, "expected totalResults 0: " + reply.body);
    return false;
  }

  // The id of a created resource ("" when the create failed), or `synthetic` in blind mode.
  std::string created_id(Kind kind, const Reply& reply, std::string_view target,
                         std::string synthetic) {
    if (!expect(kind, reply, target, {201})) return {};
    if (options.blind) return synthetic;
    boost::system::error_code error;
    const json::value body = json::parse(reply.body, error);
    const json::value* id =
        error || !body.is_object() ? nullptr : body.as_object().if_contains("id");
    if (id != nullptr && id->is_string() && !id->as_string().empty())
      return std::string(id->as_string());
    ++unexpected;
    fail(kind, reply.status, target, "no id in: " + reply.body);
    return {};
  }
};

// What differs between the user and the group phase: Entra looks each object up, then creates
// the ones it did not find.
struct CreatePhase {
  std::size_t WorkloadSize::*count;
  std::string (*lookup_target)(std::size_t);
  std::string (*body)(std::size_t);
  Kind lookup_kind;
  Kind create_kind;
  const char* endpoint;
  const char* id_prefix;  // for synthetic ids in --blind runs
  std::vector<std::string> Replay::*ids;
};

asio::awaitable<void> lookup_then_create(Replay& replay, Connection& connection,
                                         const CreatePhase& phase) {
  while (replay.stop_reason.empty()) {
    const std::size_t i = replay.next++;
    if (i >= replay.workload.size().*phase.count) break;
    const std::string lookup = phase.lookup_target(i);
    const Reply found =
        co_await replay.send(connection, phase.lookup_kind, http_verb::get, lookup, {});
    if (!replay.expect_empty(phase.lookup_kind, found, lookup)) continue;
    const Reply created = co_await replay.send(connection, phase.create_kind, http_verb::post,
                                               phase.endpoint, phase.body(i));
    (replay.*phase.ids)[i] = replay.created_id(phase.create_kind, created, phase.endpoint,
                                               phase.id_prefix + std::to_string(i));
  }
}

asio::awaitable<void> create_users(Replay& replay, Connection& connection) {
  static const CreatePhase kUsers{&WorkloadSize::users,
                                  &Workload::user_lookup_target,
                                  &Workload::user_body,
                                  Kind::user_lookup,
                                  Kind::user_create,
                                  "/Users",
                                  "u",
                                  &Replay::user_ids};
  co_await lookup_then_create(replay, connection, kUsers);
}

asio::awaitable<void> create_groups(Replay& replay, Connection& connection) {
  static const CreatePhase kGroups{&WorkloadSize::groups,
                                   &Workload::group_lookup_target,
                                   &Workload::group_body,
                                   Kind::group_lookup,
                                   Kind::group_create,
                                   "/Groups",
                                   "g",
                                   &Replay::group_ids};
  co_await lookup_then_create(replay, connection, kGroups);
}

// One worker takes a whole group and sends its batches in order, as Entra exports one object
// at a time; different groups go out in parallel.
asio::awaitable<void> add_members(Replay& replay, Connection& connection) {
  while (replay.stop_reason.empty()) {
    const std::size_t group = replay.next++;
    if (group >= replay.workload.size().groups) break;
    const std::vector<std::size_t>& members = replay.workload.members_of(group);
    if (replay.group_ids[group].empty()) {
      replay.skipped_members += members.size();
      continue;
    }
    const std::string target = "/Groups/" + replay.group_ids[group];
    for (std::size_t first = 0; first < members.size() && replay.stop_reason.empty();
         first += kMemberBatch) {
      std::vector<std::string_view> ids;
      for (std::size_t i = first; i < std::min(members.size(), first + kMemberBatch); ++i) {
        const std::string& id = replay.user_ids[members[i]];
        if (id.empty()) {
          ++replay.skipped_members;
        } else {
          ids.push_back(id);
        }
      }
      if (ids.empty()) continue;
      const Reply patched = co_await replay.send(connection, Kind::member_patch, http_verb::patch,
                                                 target, Workload::add_members_body(ids));
      replay.expect(Kind::member_patch, patched, target, {200, 204});
    }
  }
}

using Worker = asio::awaitable<void> (*)(Replay&, Connection&);

PhaseResult run_phase(const char* name, Worker worker, asio::io_context& io, Replay& replay,
                      std::vector<Connection>& connections, Clock::time_point deadline) {
  PhaseResult result{.name = name};
  if (!replay.stop_reason.empty()) return result;
  replay.next = 0;
  const std::size_t requests_before = replay.requests;
  io.restart();
  asio::steady_timer timer(io);
  if (replay.options.deadline_seconds > 0) {
    timer.expires_at(deadline);
    timer.async_wait([&](boost::system::error_code error) {
      if (error) return;
      replay.stop_reason = "deadline";
      for (Connection& connection : connections) connection.close();
    });
  }
  std::size_t running = connections.size();
  const Clock::time_point start = Clock::now();
  for (Connection& connection : connections) {
    asio::co_spawn(io, worker(replay, connection), [&](std::exception_ptr error) {
      if (error && replay.stop_reason.empty()) {
        try {
          std::rethrow_exception(error);
        } catch (const std::exception& e) {
          replay.stop_reason = std::string("worker failed: ") + e.what();
        }
      }
      if (--running == 0) timer.cancel();
    });
  }
  io.run();
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  result.requests = replay.requests - requests_before;
  return result;
}

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

json::object summary(const Replay& replay, const std::vector<PhaseResult>& phases, double cpu) {
  double seconds = 0;
  json::array phase_rows;
  for (const PhaseResult& phase : phases) {
    seconds += phase.seconds;
    phase_rows.push_back(
        json::object{{"name", phase.name},
                     {"seconds", phase.seconds},
                     {"requests", phase.requests},
                     {"rps", phase.seconds > 0 ? phase.requests / phase.seconds : 0.0}});
  }
  json::object kinds;
  for (std::size_t k = 0; k < kKindNames.size(); ++k) {
    const LatencyLog& log = replay.latency[k];
    kinds[kKindNames[k]] = json::object{{"count", log.count()},
                                        {"p50_ms", log.percentile_ms(0.50)},
                                        {"p99_ms", log.percentile_ms(0.99)},
                                        {"max_ms", log.max_ms()}};
  }
  json::array failures;
  for (const Failure& f : replay.failures) {
    failures.push_back(json::object{{"kind", kKindNames[static_cast<std::size_t>(f.kind)]},
                                    {"status", f.status},
                                    {"target", f.target},
                                    {"detail", f.detail}});
  }
  const WorkloadSize& size = replay.workload.size();
  return json::object{
      {"base_url", replay.options.base_url},
      {"blind", replay.options.blind},
      {"users", size.users},
      {"groups", size.groups},
      {"memberships", size.memberships},
      {"member_patches", replay.workload.patch_count()},
      {"concurrency", replay.options.concurrency},
      {"completed", replay.stop_reason.empty()},
      {"stop_reason", replay.stop_reason},
      {"seconds", seconds},
      {"requests", replay.requests},
      {"rps", seconds > 0 ? replay.requests / seconds : 0.0},
      {"phases", std::move(phase_rows)},
      {"kinds", std::move(kinds)},
      {"unexpected", replay.unexpected},
      {"socket_errors", replay.socket_errors},
      {"skipped_members", replay.skipped_members},
      {"client_cpu_seconds", cpu},
      {"first_failures", std::move(failures)},
  };
}

void print_text(const json::object& s) {
  std::printf(
      "replay %s%s: %lld users, %lld groups, %lld memberships (%lld PATCHes), concurrency %lld\n",
      json::value_to<std::string>(s.at("base_url")).c_str(),
      s.at("blind").as_bool() ? " (blind)" : "", s.at("users").to_number<long long>(),
      s.at("groups").to_number<long long>(), s.at("memberships").to_number<long long>(),
      s.at("member_patches").to_number<long long>(), s.at("concurrency").to_number<long long>());
  for (const json::value& p : s.at("phases").as_array()) {
    std::printf("  phase %-12s %9.2f s %9lld requests %9.0f req/s\n",
                json::value_to<std::string>(p.at("name")).c_str(),
                p.at("seconds").to_number<double>(), p.at("requests").to_number<long long>(),
                p.at("rps").to_number<double>());
  }
  for (const auto& [name, k] : s.at("kinds").as_object()) {
    std::printf("  %-13s %9lld  p50 %8.2f ms  p99 %8.2f ms  max %8.2f ms\n",
                std::string(name).c_str(), k.at("count").to_number<long long>(),
                k.at("p50_ms").to_number<double>(), k.at("p99_ms").to_number<double>(),
                k.at("max_ms").to_number<double>());
  }
  std::printf("  total %.2f s, %lld requests, %.0f req/s; client CPU %.2f s\n",
              s.at("seconds").to_number<double>(), s.at("requests").to_number<long long>(),
              s.at("rps").to_number<double>(), s.at("client_cpu_seconds").to_number<double>());
  std::printf("  unexpected replies %lld, socket errors %lld, members skipped %lld%s%s\n",
              s.at("unexpected").to_number<long long>(),
              s.at("socket_errors").to_number<long long>(),
              s.at("skipped_members").to_number<long long>(),
              s.at("completed").as_bool() ? "" : "; STOPPED: ",
              json::value_to<std::string>(s.at("stop_reason")).c_str());
  for (const json::value& f : s.at("first_failures").as_array()) {
    std::printf("  failure: %s\n", json::serialize(f).c_str());
  }
}

int run(Options options) {
  const std::optional<BaseUrl> base = parse_base_url(options.base_url);
  if (!base) {
    std::cerr << "replay: base URL must be http://host:port/path\n";
    return 2;
  }
  if (options.size.users == 0 || options.size.groups == 0 || options.concurrency == 0 ||
      options.size.memberships > options.size.users * options.size.groups) {
    std::cerr << "replay: need users, groups, concurrency > 0 and memberships <= users * groups\n";
    return 2;
  }
  asio::io_context io(1);
  boost::system::error_code error;
  const auto endpoints = asio::ip::tcp::resolver(io).resolve(base->host, base->port, error);
  if (error || endpoints.empty()) {
    std::cerr << "replay: cannot resolve " << base->host << ": " << error.message() << "\n";
    return 2;
  }
  Replay replay(options);
  std::vector<Connection> connections;
  connections.reserve(options.concurrency);
  for (std::size_t i = 0; i < options.concurrency; ++i) {
    connections.emplace_back(io.get_executor(), endpoints.begin()->endpoint(), *base,
                             options.token);
  }
  const Clock::time_point deadline =
      Clock::now() + std::chrono::duration_cast<Clock::duration>(
                         std::chrono::duration<double>(options.deadline_seconds));
  const double cpu_before = cpu_seconds();
  std::vector<PhaseResult> phases;
  phases.push_back(run_phase("users", create_users, io, replay, connections, deadline));
  phases.push_back(run_phase("groups", create_groups, io, replay, connections, deadline));
  phases.push_back(run_phase("memberships", add_members, io, replay, connections, deadline));
  for (Connection& connection : connections) connection.close();

  const json::object report = summary(replay, phases, cpu_seconds() - cpu_before);
  if (options.json_output) {
    std::cout << json::serialize(report) << std::endl;
  } else {
    print_text(report);
  }
  if (!replay.stop_reason.empty()) return 3;
  return replay.unexpected + replay.socket_errors > 0 ? 1 : 0;
}

}  // namespace
}  // namespace scimd::replay

int main(int argc, char** argv) {
  scimd::replay::Options options;
  CLI::App app{"Replays Entra ID's initial provisioning cycle against a SCIM server"};
  app.add_option("base_url", options.base_url, "SCIM base URL, e.g. http://127.0.0.1:8080/scim/v2")
      ->required();
  app.add_option("token", options.token, "bearer token")->required();
  app.add_option("--users", options.size.users, "users to create")->capture_default_str();
  app.add_option("--groups", options.size.groups, "groups to create")->capture_default_str();
  app.add_option("--memberships", options.size.memberships, "group memberships to add")
      ->capture_default_str();
  app.add_option("--concurrency", options.concurrency, "keep-alive connections")
      ->capture_default_str();
  app.add_flag("--blind", options.blind,
               "accept any 2xx, parse no reply, use synthetic ids (for a fixed-reply server)");
  app.add_flag("--json", options.json_output, "print a one-line JSON summary");
  app.add_option("--deadline", options.deadline_seconds,
                 "stop after this many seconds and report what was done (0: none)");
  CLI11_PARSE(app, argc, argv);
  return scimd::replay::run(std::move(options));
}
