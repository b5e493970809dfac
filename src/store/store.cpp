#include "store/store.h"

#include <charconv>
#include <utility>
#include <vector>

#include "store/postgres/postgres_store.h"
#include "store/sqlite/sqlite_store.h"

namespace scimd::store {

namespace {

constexpr int kMaxReadConnections = 64;
constexpr int kMaxCacheMib = 4096;
constexpr int kMaxPoolSize = 256;
constexpr int kMaxWriteBatch = 1024;

Error bad_url(std::string_view url, std::string_view why) {
  return make_error(Errc::invalid_value,
                    "store URL '" + std::string(url) + "': " + std::string(why));
}

Result<int> whole_number(std::string_view url, std::string_view key, std::string_view value,
                         int max) {
  int n = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (ec != std::errc() || end != value.data() + value.size() || n < 1 || n > max) {
    return bad_url(url,
                   std::string(key) + " must be a whole number from 1 to " + std::to_string(max));
  }
  return n;
}

// The pieces of a URL's query between '&'s, in order, empty ones included ("a&" is "a", "").
std::vector<std::string_view> query_pairs(std::string_view query) {
  std::vector<std::string_view> pairs;
  while (true) {
    const std::size_t amp = query.find('&');
    pairs.push_back(query.substr(0, amp));
    if (amp == std::string_view::npos) return pairs;
    query = query.substr(amp + 1);
  }
}

// Applies "key=value&key=value" to the options. Known keys: read_connections (1-64),
// cache_mib (1-4096).
Status apply_url_options(std::string_view url, std::string_view query, Options& options) {
  for (const std::string_view pair : query_pairs(query)) {
    const std::size_t eq = pair.find('=');
    if (eq == std::string_view::npos) {
      return bad_url(url, "option '" + std::string(pair) + "' has no value");
    }
    const std::string_view key = pair.substr(0, eq);
    const std::string_view value = pair.substr(eq + 1);
    if (key == "read_connections") {
      SCIMD_ASSIGN_OR_RETURN(options.read_connections,
                             whole_number(url, key, value, kMaxReadConnections));
    } else if (key == "cache_mib") {
      SCIMD_ASSIGN_OR_RETURN(options.cache_mib, whole_number(url, key, value, kMaxCacheMib));
    } else {
      return bad_url(
          url, "unknown option '" + std::string(key) + "' (known: read_connections, cache_mib)");
    }
  }
  return {};
}

// A PostgreSQL URL: scimd's own options (pool_size, write_batch) are taken out, everything else
// is libpq's.
Result<postgres::PostgresOptions> postgres_options(std::string_view url) {
  postgres::PostgresOptions options;
  const std::size_t question = url.find('?');
  options.url = std::string(url.substr(0, question));
  if (question == std::string_view::npos) return options;
  std::string rest;
  for (const std::string_view pair : query_pairs(url.substr(question + 1))) {
    constexpr std::string_view kPoolSize = "pool_size=";
    if (pair.starts_with(kPoolSize)) {
      SCIMD_ASSIGN_OR_RETURN(
          const int n, whole_number(url, "pool_size", pair.substr(kPoolSize.size()), kMaxPoolSize));
      options.pool_size = static_cast<std::size_t>(n);
    } else if (constexpr std::string_view kWriteBatch = "write_batch=";
               pair.starts_with(kWriteBatch)) {
      SCIMD_ASSIGN_OR_RETURN(const int n, whole_number(url, "write_batch",
                                                       pair.substr(kWriteBatch.size()),
                                                       kMaxWriteBatch));
      options.write_batch = static_cast<std::size_t>(n);
    } else if (!pair.empty()) {
      rest += (rest.empty() ? "" : "&") + std::string(pair);
    }
  }
  if (!rest.empty()) options.url += "?" + rest;
  return options;
}

bool is_postgres_url(std::string_view url) {
  return url.starts_with("postgres://") || url.starts_with("postgresql://");
}

}  // namespace

Result<std::unique_ptr<Store>> Store::open(std::string_view url, Use use) {
  if (is_postgres_url(url)) {
    SCIMD_ASSIGN_OR_RETURN(postgres::PostgresOptions options, postgres_options(url));
    if (use == Use::one_shot) {
      options.listen = false;
      options.analyze_interval = std::chrono::milliseconds(0);
    }
    SCIMD_ASSIGN_OR_RETURN(auto store, postgres::PostgresStore::open(std::move(options)));
    return std::unique_ptr<Store>(std::move(store));
  }
  constexpr std::string_view kSqlite = "sqlite:";
  if (url.substr(0, kSqlite.size()) == kSqlite) {
    Options options;
    const std::string_view rest = url.substr(kSqlite.size());
    const std::size_t question = rest.find('?');
    options.path = std::string(rest.substr(0, question));
    if (question != std::string_view::npos) {
      SCIMD_TRY(apply_url_options(url, rest.substr(question + 1), options));
    }
    SCIMD_ASSIGN_OR_RETURN(auto store, sqlite::SqliteStore::open(std::move(options)));
    return std::unique_ptr<Store>(std::move(store));
  }
  return make_error(Errc::invalid_value,
                    "unknown store URL '" + std::string(url) +
                        "' (expected sqlite:PATH or postgres://user:pass@host:port/db)");
}

int Store::waiting_reads(std::string_view url) {
  if (!is_postgres_url(url)) return 0;
  const auto options = postgres_options(url);
  return options.ok() ? static_cast<int>(options->pool_size) : 0;
}

}  // namespace scimd::store
