// PATCH as the API applies it (api/resource_handler.cpp): the body parsed, the operations
// applied to the stored document, the result checked. Group members are rows of their own,
// so a member PATCH here yields member operations whatever the group's size (the store's
// part is store_member_bench.cpp).
#include <benchmark/benchmark.h>

#include "api/json_response.h"
#include "entra_data.h"
#include "scim/patch.h"

namespace scimd::bench {
namespace {

using scim::ResourceKind;

void run_patch(benchmark::State& state, ResourceKind kind, const boost::json::object& doc,
               const std::string& body) {
  for (auto _ : state) {
    auto value = api::parse_json_body(body);
    auto result = scim::apply_patch(kind, doc, *value);
    if (!result.ok()) return state.SkipWithError(result.error().detail.c_str());
    benchmark::DoNotOptimize(scim::check_document(kind, result->doc));
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_PatchEntraUser(benchmark::State& state) {
  run_patch(state, ResourceKind::user, entra_user_doc(4242),
            boost::json::serialize(entra_user_patch()));
}
BENCHMARK(BM_PatchEntraUser);

void BM_PatchGroupAdd25Members(benchmark::State& state) {
  std::vector<std::string> ids;
  for (int i = 0; i < 25; ++i) ids.push_back(id_of(i));
  const boost::json::object group{{"displayName", "Engineering"}, {"externalId", "g-1"}};
  run_patch(state, ResourceKind::group, group, boost::json::serialize(member_add_patch(ids)));
}
BENCHMARK(BM_PatchGroupAdd25Members);

}  // namespace
}  // namespace scimd::bench
