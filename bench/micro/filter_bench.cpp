// Filters: parsing what clients send, evaluating against a representation (what a PATCH's
// value filter and the in-memory checks do), and translating to SQL for each engine.
#include <benchmark/benchmark.h>

#include <string>

#include "entra_data.h"
#include "scim/filter.h"
#include "store/sql/filter_sql.h"

namespace scimd::bench {
namespace {

using scim::ResourceKind;

const std::string kSimple = R"(userName eq "user4242@contoso.example")";
const std::string kComplex =
    R"(userName sw "user" and (active eq true or not (title co "Intern")) and )"
    R"(meta.lastModified gt "2026-01-01T00:00:00Z")";
const std::string kValuePath = R"(emails[type eq "work" and value ew "@contoso.example"])";

// 40 alternatives, as a client probing many userNames in one request might send.
std::string long_filter() {
  std::string text;
  for (int i = 0; i < 40; ++i) {
    if (i > 0) text += " or ";
    text += R"(userName eq "user)" + std::to_string(i) + R"(@contoso.example")";
  }
  return text;
}

void BM_FilterParse(benchmark::State& state, const std::string& text) {
  for (auto _ : state) {
    auto filter = scim::parse_filter(text);
    benchmark::DoNotOptimize(filter);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(text.size()));
}
BENCHMARK_CAPTURE(BM_FilterParse, simple, kSimple);
BENCHMARK_CAPTURE(BM_FilterParse, complex, kComplex);
BENCHMARK_CAPTURE(BM_FilterParse, value_path, kValuePath);
BENCHMARK_CAPTURE(BM_FilterParse, long_40_or, long_filter());

// The user's full representation, as scim::matches sees it.
boost::json::object user_representation() {
  const scim::Meta meta{id_of(4242), "2026-11-02T10:00:00.000Z", "2026-11-03T10:00:00.000Z",
                        "https://scim.example/scim/v2/acme/Users/" + id_of(4242), 3};
  const std::vector<scim::GroupRef> groups = {{id_of(1), "Sales"}, {id_of(2), "Engineering"}};
  return scim::to_representation(ResourceKind::user, entra_user_doc(4242), meta, nullptr,
                                 &groups, "https://scim.example/scim/v2/acme");
}

void BM_FilterMatch(benchmark::State& state, const std::string& text) {
  const auto filter = scim::parse_filter(text);
  const boost::json::object resource = user_representation();
  if (!filter.ok()) return state.SkipWithError("filter does not parse");
  for (auto _ : state) benchmark::DoNotOptimize(scim::matches(ResourceKind::user, *filter, resource));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK_CAPTURE(BM_FilterMatch, simple, kSimple);
BENCHMARK_CAPTURE(BM_FilterMatch, complex, kComplex);
BENCHMARK_CAPTURE(BM_FilterMatch, value_path, kValuePath);
BENCHMARK_CAPTURE(BM_FilterMatch, long_40_or, long_filter());

void BM_FilterToSql(benchmark::State& state, store::sql::Dialect dialect, const std::string& text) {
  const auto filter = scim::parse_filter(text);
  if (!filter.ok()) return state.SkipWithError("filter does not parse");
  for (auto _ : state) {
    auto sql = store::sql::filter_to_sql(dialect, ResourceKind::user, *filter, 7);
    benchmark::DoNotOptimize(sql);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK_CAPTURE(BM_FilterToSql, sqlite_simple, store::sql::Dialect::sqlite, kSimple);
BENCHMARK_CAPTURE(BM_FilterToSql, sqlite_complex, store::sql::Dialect::sqlite, kComplex);
BENCHMARK_CAPTURE(BM_FilterToSql, sqlite_value_path, store::sql::Dialect::sqlite, kValuePath);
BENCHMARK_CAPTURE(BM_FilterToSql, postgres_simple, store::sql::Dialect::postgres, kSimple);
BENCHMARK_CAPTURE(BM_FilterToSql, postgres_complex, store::sql::Dialect::postgres, kComplex);
BENCHMARK_CAPTURE(BM_FilterToSql, postgres_value_path, store::sql::Dialect::postgres, kValuePath);

}  // namespace
}  // namespace scimd::bench
