// The deterministic content of one replayed Entra initial cycle: user and group names, the
// bodies Entra POSTs, the lookup queries it sends first, and the membership PATCH batches.
// Nothing here knows about sockets; the same workload is sent to every server.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace scimd::replay {

struct WorkloadSize {
  std::size_t users = 100000;
  std::size_t groups = 1000;
  std::size_t memberships = 200000;
};

// Entra adds at most this many members per PATCH (observed batch size).
inline constexpr std::size_t kMemberBatch = 25;

class Workload {
 public:
  // REQUIRES: users > 0, groups > 0, memberships <= users * groups.
  explicit Workload(WorkloadSize size);

  const WorkloadSize& size() const { return size_; }

  static std::string user_name(std::size_t user);
  static std::string group_name(std::size_t group);

  // Relative request targets ("/Users?filter=...") and JSON bodies.
  static std::string user_lookup_target(std::size_t user);
  static std::string group_lookup_target(std::size_t group);
  static std::string user_body(std::size_t user);
  static std::string group_body(std::size_t group);
  // {"op":"add","path":"members","value":[{"value":id}…]}: Entra with the aadOptscim062020 flag
  // (Microsoft's recommended SCIM-compliant mode). Entra's default dialect sends "Add", which
  // Jackson compares case-sensitively and silently ignores (200, no member added).
  static std::string add_members_body(const std::vector<std::string_view>& member_ids);

  // Users of `group` in the order Entra sends them; split into kMemberBatch-sized PATCHes.
  const std::vector<std::size_t>& members_of(std::size_t group) const { return members_[group]; }
  std::size_t patch_count() const;

 private:
  WorkloadSize size_;
  std::vector<std::vector<std::size_t>> members_;
};

// Percent-encodes everything but RFC 3986 unreserved characters (space becomes %20).
std::string url_encode(std::string_view text);

}  // namespace scimd::replay
