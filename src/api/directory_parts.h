// The handlers behind /api/v1/{tenant} (api/directory.h), one file per area; directory.cpp
// authenticates and routes to them. Each gets an authenticated tenant.
#pragma once

#include <cstdint>
#include <string_view>

#include "api/directory.h"
#include "api/request.h"
#include "api/route.h"
#include "scim/schema.h"
#include "store/store.h"

namespace scimd::api::directory {

inline constexpr std::int64_t kDefaultLimit = 100;
inline constexpr std::int64_t kMaxLimit = 1000;
inline constexpr std::int64_t kMaxWaitSeconds = 30;

// An integer query parameter within [min, max]; `fallback` when absent or empty.
// Errors: invalid_value naming the parameter and the range.
Result<std::int64_t> bounded_param(const Target& target, std::string_view name,
                                   std::int64_t fallback, std::int64_t min, std::int64_t max);

// directory_resources.cpp: reads of users and groups.
Response list_resources(const DirectoryContext& ctx, const store::Tenant& tenant,
                        scim::ResourceKind kind, const Target& target);
Response get_resource(const DirectoryContext& ctx, const store::Tenant& tenant,
                      scim::ResourceKind kind, std::string_view id);
Response groups_of_user(const DirectoryContext& ctx, const store::Tenant& tenant,
                        std::string_view user_id);
Response members_of_group(const DirectoryContext& ctx, const store::Tenant& tenant,
                          std::string_view group_id, const Target& target);

// directory_preregister.cpp: users the product creates and deletes (synced = false).
Response preregister_user(const DirectoryContext& ctx, const store::Tenant& tenant,
                          const Request& request);
Response delete_unsynced_user(const DirectoryContext& ctx, const store::Tenant& tenant,
                              std::string_view user_id);

// directory_feed.cpp: GET /events, the change feed with long-poll.
Response events(const DirectoryContext& ctx, const store::Tenant& tenant, const Target& target);

}  // namespace scimd::api::directory
