#include "http/request_id.h"

#include <cstdint>
#include <random>

namespace scimd::http {

std::string new_request_id() {
  // One engine per thread: no lock on the request path, and random_device is read once.
  thread_local std::mt19937_64 engine{(static_cast<std::uint64_t>(std::random_device{}()) << 32) ^
                                      std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::uint64_t bits = engine();
  std::string id(16, '0');
  for (int i = 15; i >= 0; --i) {
    id[static_cast<std::size_t>(i)] = kHex[bits & 0xF];
    bits >>= 4;
  }
  return id;
}

bool is_acceptable_client_request_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (const char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.' || c == ':';
    if (!ok) return false;
  }
  return true;
}

std::string request_id_for(std::string_view client_request_id) {
  if (is_acceptable_client_request_id(client_request_id)) return std::string(client_request_id);
  return new_request_id();
}

}  // namespace scimd::http
