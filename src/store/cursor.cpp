#include "store/cursor.h"

#include <array>
#include <bit>
#include <cstring>
#include <utility>

#include <boost/json.hpp>

#include "core/crypto.h"

namespace scimd::store {

namespace json = boost::json;

namespace {

constexpr unsigned char kVersion = 1;
constexpr unsigned char kIncludeBoundary = 0x01;

enum KeyTag : unsigned char { kNoKey = 0, kNullKey = 1, kIntKey = 2, kRealKey = 3, kTextKey = 4 };

// Fixed part: version, direction, flags, shape, seq, key tag.
constexpr std::size_t kHeaderBytes = 3 + kQueryShapeBytes + 8 + 1;

Error invalid(std::string_view why) {
  return make_error(Errc::invalid_cursor, "invalid cursor: " + std::string(why));
}

json::value path_json(const scim::AttrPath& path) {
  return json::array{json::string(path.urn), json::string(path.attr), json::string(path.sub)};
}

// The filter AST as JSON: a stable serialisation to hash (never parsed back).
json::value filter_json(const scim::Filter& f) {
  json::array children;
  for (const scim::Filter& child : f.children) children.push_back(filter_json(child));
  return json::array{static_cast<std::int64_t>(f.kind), path_json(f.path),
                     json::string(scim::compare_op_name(f.op)), f.value, std::move(children)};
}

void put_u64(std::string& out, std::uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((v >> shift) & 0xff));
  }
}

std::uint64_t get_u64(std::string_view in) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(in[i]);
  return v;
}

// -1 for a character outside the base64url alphabet.
int base64url_digit(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

// Strict: no padding, no stray bits in the last character.
std::optional<std::string> decode_base64url(std::string_view text) {
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t bits = 0;
  int bit_count = 0;
  for (const char c : text) {
    const int digit = base64url_digit(c);
    if (digit < 0) return std::nullopt;
    bits = (bits << 6) | static_cast<std::uint32_t>(digit);
    bit_count += 6;
    if (bit_count >= 8) {
      bit_count -= 8;
      out.push_back(static_cast<char>((bits >> bit_count) & 0xff));
    }
  }
  if ((bits & ((1u << bit_count) - 1)) != 0) return std::nullopt;
  return out;
}

}  // namespace

std::string query_shape(TenantId tenant, scim::ResourceKind kind, const ListQuery& query) {
  const json::array shape{
      tenant,
      kind == scim::ResourceKind::user ? "User" : "Group",
      query.filter != nullptr ? filter_json(*query.filter) : json::value(nullptr),
      query.sort_by ? path_json(*query.sort_by) : json::value(nullptr),
      query.sort_order == SortOrder::descending ? "descending" : "ascending",
  };
  return crypto::sha256(json::serialize(shape)).substr(0, kQueryShapeBytes);
}

std::string encode_cursor(const CursorPosition& position) {
  std::string record;
  record.push_back(static_cast<char>(kVersion));
  record.push_back(position.direction == CursorPosition::Direction::next ? 'n' : 'p');
  record.push_back(static_cast<char>(position.include_boundary ? kIncludeBoundary : 0));
  std::string shape = position.shape;
  shape.resize(kQueryShapeBytes, '\0');
  record += shape;
  put_u64(record, static_cast<std::uint64_t>(position.seq));
  std::visit(
      [&](const auto& key) {
        using T = std::decay_t<decltype(key)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          record.push_back(static_cast<char>(kNoKey));
        } else if constexpr (std::is_same_v<T, std::nullptr_t>) {
          record.push_back(static_cast<char>(kNullKey));
        } else if constexpr (std::is_same_v<T, std::int64_t>) {
          record.push_back(static_cast<char>(kIntKey));
          put_u64(record, static_cast<std::uint64_t>(key));
        } else if constexpr (std::is_same_v<T, double>) {
          record.push_back(static_cast<char>(kRealKey));
          put_u64(record, std::bit_cast<std::uint64_t>(key));
        } else {
          record.push_back(static_cast<char>(kTextKey));
          record += key;
        }
      },
      position.key);
  return crypto::base64url(record);
}

Result<CursorPosition> decode_cursor(std::string_view text) {
  const std::optional<std::string> decoded = decode_base64url(text);
  if (!decoded) return invalid("not base64url");
  const std::string_view record = *decoded;
  if (record.size() < kHeaderBytes) return invalid("too short");
  if (static_cast<unsigned char>(record[0]) != kVersion) return invalid("unknown version");
  CursorPosition position;
  if (record[1] == 'n') {
    position.direction = CursorPosition::Direction::next;
  } else if (record[1] == 'p') {
    position.direction = CursorPosition::Direction::previous;
  } else {
    return invalid("unknown direction");
  }
  const auto flags = static_cast<unsigned char>(record[2]);
  if ((flags & ~kIncludeBoundary) != 0) return invalid("unknown flags");
  position.include_boundary = (flags & kIncludeBoundary) != 0;
  position.shape = std::string(record.substr(3, kQueryShapeBytes));
  position.seq = static_cast<std::int64_t>(get_u64(record.substr(3 + kQueryShapeBytes)));
  const std::string_view key = record.substr(kHeaderBytes);
  switch (static_cast<unsigned char>(record[kHeaderBytes - 1])) {
    case kNoKey:
    case kNullKey:
      if (!key.empty()) return invalid("trailing bytes");
      if (static_cast<unsigned char>(record[kHeaderBytes - 1]) == kNullKey) {
        position.key = nullptr;
      }
      break;
    case kIntKey:
      if (key.size() != 8) return invalid("bad integer key");
      position.key = static_cast<std::int64_t>(get_u64(key));
      break;
    case kRealKey:
      if (key.size() != 8) return invalid("bad number key");
      position.key = std::bit_cast<double>(get_u64(key));
      break;
    case kTextKey:
      position.key = std::string(key);
      break;
    default:
      return invalid("unknown key type");
  }
  return position;
}

}  // namespace scimd::store
