#include "store/store.h"

#include <charconv>
#include <utility>

#include "store/sqlite/sqlite_store.h"

namespace scimd::store {

namespace {

constexpr int kMaxReadConnections = 64;

Error bad_url(std::string_view url, std::string_view why) {
  return make_error(Errc::invalid_value,
                    "store URL '" + std::string(url) + "': " + std::string(why));
}

// Applies "key=value&key=value" to the options. Known keys: read_connections (1-64).
Status apply_url_options(std::string_view url, std::string_view query, Options& options) {
  std::size_t pos = 0;
  while (true) {
    const std::size_t amp = query.find('&', pos);
    const std::string_view pair =
        query.substr(pos, amp == std::string_view::npos ? std::string_view::npos : amp - pos);
    const std::size_t eq = pair.find('=');
    if (eq == std::string_view::npos) {
      return bad_url(url, "option '" + std::string(pair) + "' has no value");
    }
    const std::string_view key = pair.substr(0, eq);
    const std::string_view value = pair.substr(eq + 1);
    if (key == "read_connections") {
      int n = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec != std::errc() || end != value.data() + value.size() || n < 1 ||
          n > kMaxReadConnections) {
        return bad_url(url, "read_connections must be a whole number from 1 to " +
                                std::to_string(kMaxReadConnections));
      }
      options.read_connections = n;
    } else {
      return bad_url(url, "unknown option '" + std::string(key) + "' (known: read_connections)");
    }
    if (amp == std::string_view::npos) return {};
    pos = amp + 1;
  }
}

}  // namespace

Result<std::unique_ptr<Store>> Store::open(std::string_view url) {
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
                    "unknown store URL '" + std::string(url) + "' (expected sqlite:PATH)");
}

}  // namespace scimd::store
