// Cryptographic primitives, all from OpenSSL: random bytes, SHA-256, HMAC, base64, and a
// constant-time comparison.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace scimd::crypto {

// n bytes from the OS CSPRNG (RAND_bytes). Aborts if the CSPRNG fails: nothing safe remains.
std::string random_bytes(std::size_t n);
// The same randomness for identifiers (resource and event ids): served from a per-thread
// buffer refilled 4 KiB at a time, since one RAND_bytes call per id showed in profiles of
// member PATCHes (one event id per member). Secrets use random_bytes.
std::string random_id_bytes(std::size_t n);

std::string sha256(std::string_view data);  // 32 raw bytes
std::string sha256_hex(std::string_view data);
std::string hmac_sha256(std::string_view key, std::string_view data);  // 32 raw bytes

std::string base64(std::string_view bytes);     // standard alphabet, padded
std::string base64url(std::string_view bytes);  // URL-safe alphabet, no padding
// Decodes standard base64 (padding required, no whitespace); nullopt if the text is not that.
std::optional<std::string> base64_decode(std::string_view text);
std::string hex(std::string_view bytes);

// true iff a == b, in time that depends only on the lengths.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace scimd::crypto
