// JSON in and out as the API does it: a GET's response built from the stored document
// (api/resource_handler.cpp: to_representation, project, json_response), the stored document
// parsed back from its column, and a POST body parsed and normalised.
#include <benchmark/benchmark.h>

#include "api/json_response.h"
#include "entra_data.h"
#include "scim/projection.h"

namespace scimd::bench {
namespace {

using scim::ResourceKind;

const std::string kBase = "https://scim.example/scim/v2/acme";

scim::Meta meta_of(ResourceKind kind, int n) {
  return scim::Meta{id_of(n), "2026-11-02T10:00:00.000Z", "2026-11-03T10:00:00.000Z",
                    kBase + (kind == ResourceKind::user ? "/Users/" : "/Groups/") + id_of(n), 3};
}

// resource_response(): the projected representation, serialised, with ETag and Location.
api::Response render(ResourceKind kind, const boost::json::object& doc, const scim::Meta& meta,
                     const std::vector<scim::MemberRef>* members,
                     const std::vector<scim::GroupRef>* groups, const scim::Projection& p) {
  api::Response resp = api::json_response(
      200, scim::project(kind, scim::to_representation(kind, doc, meta, members, groups, kBase), p));
  resp.headers.emplace_back("ETag", scim::etag(meta.version));
  resp.headers.emplace_back("Location", meta.location);
  return resp;
}

void BM_RenderUser(benchmark::State& state, const char* attributes) {
  const boost::json::object doc = entra_user_doc(4242);
  const scim::Meta meta = meta_of(ResourceKind::user, 4242);
  const std::vector<scim::GroupRef> groups = {{id_of(1), "Sales"}, {id_of(2), "Engineering"}};
  std::size_t bytes = 0;
  for (auto _ : state) {
    // Parsed per request, as the handler does.
    const scim::Projection p = scim::parse_projection(ResourceKind::user, attributes, "");
    const api::Response resp = render(ResourceKind::user, doc, meta, nullptr, &groups, p);
    bytes = resp.body.size();
    benchmark::DoNotOptimize(resp);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(bytes));
}
BENCHMARK_CAPTURE(BM_RenderUser, full, "");
BENCHMARK_CAPTURE(BM_RenderUser, attributes_userName, "userName");

void BM_RenderGroup(benchmark::State& state) {
  const boost::json::object doc{{"displayName", "Engineering"}, {"externalId", "g-1"}};
  std::vector<scim::MemberRef> members;
  for (int i = 0; i < state.range(0); ++i) members.push_back({id_of(i), "User " + std::to_string(i), "User"});
  const scim::Meta meta = meta_of(ResourceKind::group, 7);
  std::size_t bytes = 0;
  for (auto _ : state) {
    const scim::Projection p = scim::parse_projection(ResourceKind::group, "", "");
    const api::Response resp = render(ResourceKind::group, doc, meta, &members, nullptr, p);
    bytes = resp.body.size();
    benchmark::DoNotOptimize(resp);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));  // members per second
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(bytes));
}
BENCHMARK(BM_RenderGroup)->Arg(100)->Arg(10000)->Arg(100000);

// The store reads `doc` as text and parses it (store/sql/sql_store.cpp parse_doc).
void BM_ParseStoredUserDoc(benchmark::State& state) {
  const std::string text = boost::json::serialize(entra_user_doc(4242));
  for (auto _ : state) {
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(text, ec);
    benchmark::DoNotOptimize(v);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(text.size()));
}
BENCHMARK(BM_ParseStoredUserDoc);

// POST /Users: incoming_resource() without the tenant's required-attribute check.
void BM_ParsePostUser(benchmark::State& state) {
  const std::string body = boost::json::serialize(entra_user_body(4242));
  for (auto _ : state) {
    auto value = api::parse_json_body(body);
    auto incoming = scim::normalize_resource(ResourceKind::user, *value);
    if (!incoming.ok()) return state.SkipWithError(incoming.error().detail.c_str());
    benchmark::DoNotOptimize(incoming);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(body.size()));
}
BENCHMARK(BM_ParsePostUser);

}  // namespace
}  // namespace scimd::bench
