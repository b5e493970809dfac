// What a write tells the outside world: the events a change produces and the view of a
// resource that events and the directory API show. Backend-neutral: every store backend calls
// these inside its write transaction and appends the result to the tenant's events.
//
// Event object (the feed returns it, a webhook POST carries it, byte for byte):
//   {"id":"evt_…","seq":12,"type":"user.updated","time":"2026-…Z","tenant":"acme",
//    "data":{"source":"scim","resource":{…view…},"changes":[{"attribute":"active","old":true,"new":false}]}}
// group.user_added / group.user_removed: data {"source","group":{id,displayName,externalId},
//   "member":{"id","type","display"}}; user.roles_changed: data {"source","resource",
//   "changes":[{"attribute":"roles","old":[…],"new":[…]}]}.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "scim/member.h"
#include "scim/schema.h"
#include "store/records.h"

namespace scimd::store {

struct Resource;

// An event before the store gives it a seq, id and time.
struct NewEvent {
  std::string type;
  boost::json::object data;
};

// A resource as events and /api/v1 show it: the stored document with id, resourceType,
// meta {created, lastModified, version}, and for users `synced` and `roles`. Group members are
// never inlined (they can be 100k): /api/v1/{tenant}/groups/{id}/members pages them.
boost::json::object resource_view(scim::ResourceKind kind, const Resource& resource);

std::string_view source_name(Source source);

// Events of a create (before == nullptr), update, or delete (after == nullptr) of the
// resource itself: user.created/updated/deactivated/reactivated/deleted,
// group.created/updated/deleted. An update that changed nothing yields nothing.
std::vector<NewEvent> resource_events(scim::ResourceKind kind, const Resource* before,
                                      const Resource* after, Source source);

// group.user_added or group.user_removed for one member.
NewEvent member_event(bool added, const Resource& group, const scim::MemberRef& member,
                      Source source);

// user.roles_changed.
NewEvent roles_event(const Resource& user, const std::vector<std::string>& old_roles,
                     Source source);

// The event object as text, given what the store assigned.
std::string event_json(std::string_view id, std::int64_t seq, std::string_view type,
                       std::string_view time, std::string_view tenant,
                       const boost::json::object& data);

// event_json without its seq and tenant, for a database that fills them in while it numbers
// the event: event_json(…) == before_seq + seq + before_tenant + JSON string of tenant + rest.
struct EventJsonParts {
  std::string before_seq;
  std::string before_tenant;
  std::string rest;
};
EventJsonParts event_json_parts(std::string_view id, std::string_view type, std::string_view time,
                                const boost::json::object& data);

// "evt_" + 128 random bits (hex).
std::string new_event_id();

}  // namespace scimd::store
