#include "core/ids.h"

#include "core/crypto.h"

namespace scimd {

std::string new_resource_id() {
  std::string b = crypto::random_id_bytes(16);
  b[6] = static_cast<char>((static_cast<unsigned char>(b[6]) & 0x0f) | 0x40);
  b[8] = static_cast<char>((static_cast<unsigned char>(b[8]) & 0x3f) | 0x80);
  const std::string h = crypto::hex(b);
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20);
}

std::string new_secret_token() { return crypto::base64url(crypto::random_bytes(32)); }

}  // namespace scimd
