#include "app/admin_key.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace scimd::app {

namespace {

std::string trim_end(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ' ||
                           text.back() == '\t')) {
    text.pop_back();
  }
  return text;
}

}  // namespace

Result<AdminKeySource> admin_key_source(const std::string& file) {
  if (!file.empty()) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return make_error(Errc::invalid_value, "cannot read --admin-key-file " + file);
    std::ostringstream content;
    content << in.rdbuf();
    std::string secret = trim_end(content.str());
    if (secret.empty()) return make_error(Errc::invalid_value, "--admin-key-file " + file + " is empty");
    return AdminKeySource{std::move(secret), "--admin-key-file"};
  }
  const char* env = std::getenv("SCIMD_ADMIN_KEY");
  if (env != nullptr && *env != '\0') return AdminKeySource{trim_end(env), "SCIMD_ADMIN_KEY"};
  return AdminKeySource{};
}

}  // namespace scimd::app
