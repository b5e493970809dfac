// GET /admin/v1/openapi.json: the OpenAPI 3.0 document of the admin API. Paths and operations
// come from the route table (admin.cpp), so they are exactly what is served; the schemas of
// bodies are written out below.
#include <boost/json.hpp>

#include "api/admin_routes.h"
#include "api/service.h"
#include "store/records.h"

namespace scimd::api {

namespace json = boost::json;

namespace {

// components/schemas. "EventType" gets its enum from store::event_types() at run time.
constexpr std::string_view kSchemas = R"json({
  "Error": {
    "type": "object",
    "description": "A SCIM error (RFC 7644 section 3.12); every error of the admin API has this form.",
    "properties": {
      "schemas": {"type": "array", "items": {"type": "string"}},
      "status": {"type": "string", "example": "400"},
      "scimType": {"type": "string", "example": "invalidValue"},
      "detail": {"type": "string"}
    },
    "required": ["schemas", "status", "detail"]
  },
  "TenantCreate": {
    "type": "object",
    "properties": {"name": {"type": "string", "pattern": "^[a-z0-9][a-z0-9._-]{0,62}$", "example": "acme"}},
    "required": ["name"],
    "additionalProperties": false
  },
  "TenantCreated": {
    "type": "object",
    "properties": {
      "tenant": {"type": "string"},
      "tenant_url": {"type": "string", "description": "The SCIM base URL to paste into Entra ID or Okta."},
      "token": {"type": "string", "description": "The Secret Token, shown only in this answer."}
    },
    "required": ["tenant", "tenant_url", "token"]
  },
  "TenantSummary": {
    "type": "object",
    "properties": {
      "tenant": {"type": "string"},
      "tenant_url": {"type": "string"},
      "created": {"type": "string", "format": "date-time"}
    },
    "required": ["tenant", "tenant_url", "created"]
  },
  "TenantList": {
    "type": "object",
    "properties": {"tenants": {"type": "array", "items": {"$ref": "#/components/schemas/TenantSummary"}}},
    "required": ["tenants"]
  },
  "TenantDetail": {
    "type": "object",
    "properties": {
      "tenant": {"type": "string"},
      "tenant_url": {"type": "string"},
      "created": {"type": "string", "format": "date-time"},
      "settings": {"$ref": "#/components/schemas/Settings"},
      "users": {"type": "integer", "description": "How many users the tenant has."},
      "groups": {"type": "integer", "description": "How many groups the tenant has."}
    },
    "required": ["tenant", "tenant_url", "created", "settings", "users", "groups"]
  },
  "Token": {
    "type": "object",
    "properties": {
      "id": {"type": "integer"},
      "created": {"type": "string", "format": "date-time"},
      "expires_at": {"type": "string", "format": "date-time", "nullable": true},
      "last_used": {"type": "string", "format": "date-time", "nullable": true,
                    "description": "Recorded about every 30 seconds."},
      "active": {"type": "boolean"}
    },
    "required": ["id", "created", "expires_at", "last_used", "active"]
  },
  "TokenList": {
    "type": "object",
    "properties": {"tokens": {"type": "array", "items": {"$ref": "#/components/schemas/Token"}}},
    "required": ["tokens"]
  },
  "TokenRotate": {
    "type": "object",
    "properties": {"grace": {"type": "string", "example": "24h",
                             "description": "How long the old tokens keep working: 30s, 15m, 24h, 7d (default 0s; at most 366d)."}},
    "additionalProperties": false
  },
  "TokenIssued": {
    "type": "object",
    "properties": {
      "tenant": {"type": "string"},
      "tenant_url": {"type": "string"},
      "token": {"type": "string", "description": "The new Secret Token, shown only in this answer."},
      "old_tokens_expire_at": {"type": "string", "format": "date-time"}
    },
    "required": ["tenant", "tenant_url", "token", "old_tokens_expire_at"]
  },
  "AppKeyCreate": {
    "type": "object",
    "properties": {"name": {"type": "string", "minLength": 1, "maxLength": 100, "example": "backend"}},
    "required": ["name"],
    "additionalProperties": false
  },
  "AppKey": {
    "type": "object",
    "properties": {
      "id": {"type": "integer"},
      "name": {"type": "string"},
      "created": {"type": "string", "format": "date-time"},
      "last_used": {"type": "string", "format": "date-time", "nullable": true},
      "revoked": {"type": "string", "format": "date-time", "nullable": true}
    },
    "required": ["id", "name", "created", "last_used", "revoked"]
  },
  "AppKeyCreated": {
    "allOf": [
      {"$ref": "#/components/schemas/AppKey"},
      {"type": "object",
       "properties": {"key": {"type": "string", "description": "sak_..., shown only in this answer."}},
       "required": ["key"]}
    ]
  },
  "AppKeyList": {
    "type": "object",
    "properties": {"app_keys": {"type": "array", "items": {"$ref": "#/components/schemas/AppKey"}}},
    "required": ["app_keys"]
  },
  "RequiredAttributes": {
    "type": "object",
    "description": "Attributes every user or group must have; emails.work means emails[type eq \"work\"].value.",
    "properties": {
      "User": {"type": "array", "items": {"type": "string"}, "example": ["emails.work"]},
      "Group": {"type": "array", "items": {"type": "string"}}
    },
    "additionalProperties": false
  },
  "RoleMapping": {
    "type": "array",
    "description": "Group to role rules; a group is named by externalId or displayName.",
    "items": {
      "type": "object",
      "properties": {"group": {"type": "string"}, "role": {"type": "string"}},
      "required": ["group", "role"],
      "additionalProperties": false
    }
  },
  "Invitations": {
    "type": "object",
    "description": "Invitation email sent when a user is provisioned. Templates may use {{userName}} {{displayName}} {{givenName}} {{familyName}} {{email}} {{tenant}} {{loginUrl}} {{userId}}.",
    "properties": {
      "enabled": {"type": "boolean"},
      "from": {"type": "string"},
      "subject": {"type": "string"},
      "body": {"type": "string"},
      "login_url": {"type": "string"}
    },
    "additionalProperties": false
  },
  "AdoptionPolicy": {
    "type": "string",
    "enum": ["adopt", "conflict"],
    "description": "adopt: a SCIM create matching a user the product pre-registered takes it over; conflict (default): 409."
  },
  "Settings": {
    "type": "object",
    "properties": {
      "required_attributes": {"$ref": "#/components/schemas/RequiredAttributes"},
      "role_mapping": {"$ref": "#/components/schemas/RoleMapping"},
      "invitations": {"$ref": "#/components/schemas/Invitations"},
      "adoption_policy": {"$ref": "#/components/schemas/AdoptionPolicy"}
    },
    "additionalProperties": false
  },
  "SettingsPatch": {
    "type": "object",
    "description": "Keys to change; a key set to null is removed, other keys are kept.",
    "properties": {
      "required_attributes": {"allOf": [{"$ref": "#/components/schemas/RequiredAttributes"}], "nullable": true},
      "role_mapping": {"allOf": [{"$ref": "#/components/schemas/RoleMapping"}], "nullable": true},
      "invitations": {"allOf": [{"$ref": "#/components/schemas/Invitations"}], "nullable": true},
      "adoption_policy": {"allOf": [{"$ref": "#/components/schemas/AdoptionPolicy"}], "nullable": true}
    },
    "additionalProperties": false
  },
  "EventType": {"type": "string"},
  "WebhookCreate": {
    "type": "object",
    "properties": {
      "url": {"type": "string", "format": "uri", "example": "https://app.example.com/hooks/scim"},
      "events": {"type": "array", "items": {"$ref": "#/components/schemas/EventType"},
                 "description": "Event types to send; absent: all."}
    },
    "required": ["url"],
    "additionalProperties": false
  },
  "Webhook": {
    "type": "object",
    "properties": {
      "id": {"type": "string", "example": "wh_..."},
      "url": {"type": "string"},
      "events": {"type": "array", "items": {"$ref": "#/components/schemas/EventType"}},
      "created": {"type": "string", "format": "date-time"},
      "state": {"type": "string", "enum": ["active", "dead"]},
      "delivered_seq": {"type": "integer", "description": "The last event seq handled."},
      "attempts": {"type": "integer", "description": "Failed attempts at the next event."},
      "failing_since": {"type": "string", "format": "date-time", "nullable": true},
      "next_attempt_at": {"type": "string", "format": "date-time", "nullable": true},
      "last_error": {"type": "string"}
    },
    "required": ["id", "url", "events", "created", "state", "delivered_seq", "attempts",
                 "failing_since", "next_attempt_at", "last_error"]
  },
  "WebhookCreated": {
    "allOf": [
      {"$ref": "#/components/schemas/Webhook"},
      {"type": "object",
       "properties": {"secret": {"type": "string", "description": "whsec_..., for verifying signatures; shown only in this answer."}},
       "required": ["secret"]}
    ]
  },
  "WebhookList": {
    "type": "object",
    "properties": {"webhooks": {"type": "array", "items": {"$ref": "#/components/schemas/Webhook"}}},
    "required": ["webhooks"]
  },
  "WebhookReplay": {
    "type": "object",
    "properties": {"from_seq": {"type": "integer", "minimum": 1,
                                "description": "Re-deliver from this event seq on; absent: only revive."}},
    "additionalProperties": false
  },
  "DeliveryAttempt": {
    "type": "object",
    "properties": {
      "id": {"type": "integer"},
      "event_seq": {"type": "integer"},
      "event_id": {"type": "string"},
      "attempt": {"type": "integer"},
      "time": {"type": "string", "format": "date-time"},
      "status": {"type": "integer", "description": "HTTP status; 0: no response."},
      "latency_ms": {"type": "number"},
      "outcome": {"type": "string", "enum": ["delivered", "retrying", "dead"]},
      "error": {"type": "string"}
    },
    "required": ["id", "event_seq", "event_id", "attempt", "time", "status", "latency_ms", "outcome", "error"]
  },
  "DeliveryList": {
    "type": "object",
    "properties": {"deliveries": {"type": "array", "items": {"$ref": "#/components/schemas/DeliveryAttempt"}}},
    "required": ["deliveries"]
  },
  "ProvisioningEntry": {
    "type": "object",
    "properties": {
      "id": {"type": "integer"},
      "time": {"type": "string", "format": "date-time"},
      "client": {"type": "string", "enum": ["entra", "okta", "other"]},
      "method": {"type": "string"},
      "path": {"type": "string"},
      "resource_id": {"type": "string"},
      "status": {"type": "integer"},
      "scim_type": {"type": "string"},
      "latency_ms": {"type": "number"},
      "detail": {"type": "string"},
      "request_id": {"type": "string"}
    },
    "required": ["id", "time", "client", "method", "path", "resource_id", "status", "scim_type",
                 "latency_ms", "detail", "request_id"]
  },
  "ProvisioningLog": {
    "type": "object",
    "properties": {
      "entries": {"type": "array", "items": {"$ref": "#/components/schemas/ProvisioningEntry"}},
      "next_before_id": {"type": "integer", "nullable": true,
                         "description": "Pass as before_id for the next (older) page; null on the last page."}
    },
    "required": ["entries", "next_before_id"]
  },
  "ProvisioningSummary": {
    "type": "object",
    "properties": {
      "since": {"type": "string", "format": "date-time"},
      "counts": {"type": "array", "items": {
        "type": "object",
        "properties": {"status": {"type": "integer"}, "count": {"type": "integer"}},
        "required": ["status", "count"]}},
      "total": {"type": "integer"},
      "errors": {"type": "integer", "description": "Requests answered with status 400 or more."}
    },
    "required": ["since", "counts", "total", "errors"]
  },
  "MailRecord": {
    "type": "object",
    "properties": {
      "id": {"type": "integer"},
      "event_id": {"type": "string"},
      "user_id": {"type": "string"},
      "recipient": {"type": "string"},
      "time": {"type": "string", "format": "date-time"},
      "attempts": {"type": "integer"},
      "outcome": {"type": "string", "enum": ["sent", "written", "retrying", "failed", "skipped"]},
      "error": {"type": "string"}
    },
    "required": ["id", "event_id", "user_id", "recipient", "time", "attempts", "outcome", "error"]
  },
  "MailList": {
    "type": "object",
    "properties": {"mail": {"type": "array", "items": {"$ref": "#/components/schemas/MailRecord"}}},
    "required": ["mail"]
  },
  "OpenApiDocument": {"type": "object", "description": "An OpenAPI 3.0 document."}
})json";

constexpr std::string_view kContentType = "application/scim+json";

json::object content_of(std::string_view schema, std::string_view type = kContentType) {
  return json::object{
      {type, json::object{{"schema", json::object{{"$ref", "#/components/schemas/" + std::string(schema)}}}}}};
}

std::string_view tag_of(std::string_view pattern) {
  if (pattern.find("/tokens") != std::string_view::npos) return "Tokens";
  if (pattern.find("/app-keys") != std::string_view::npos) return "App keys";
  if (pattern.find("/settings") != std::string_view::npos) return "Settings";
  if (pattern.find("/webhooks") != std::string_view::npos) return "Webhooks";
  if (pattern.find("/provisioning-log") != std::string_view::npos ||
      pattern.find("/mail") != std::string_view::npos) {
    return "Logs";
  }
  if (pattern.find("/tenants") != std::string_view::npos) return "Tenants";
  return "Meta";
}

std::string_view error_description(int status) {
  switch (status) {
    case 400: return "Invalid body or parameter (scimType invalidSyntax or invalidValue)";
    case 401: return "Missing or wrong admin key";
    case 404: return "Unknown tenant, or unknown id under it";
    case 409: return "Already exists";
    default: return "Error";
  }
}

json::array parameters_of(const AdminRoute& route) {
  json::array params;
  std::string_view rest = route.pattern;
  for (std::size_t open = rest.find('{'); open != std::string_view::npos; open = rest.find('{')) {
    const std::size_t close = rest.find('}', open);
    const std::string name(rest.substr(open + 1, close - open - 1));
    params.emplace_back(json::object{
        {"name", name},
        {"in", "path"},
        {"required", true},
        {"description", name == "name" ? "The tenant's name" : "The id of the app key or webhook"},
        {"schema", json::object{{"type", "string"}}}});
    rest.remove_prefix(close + 1);
  }
  for (const QueryParam& q : route.query) {
    params.emplace_back(json::object{{"name", q.name},
                                     {"in", "query"},
                                     {"required", false},
                                     {"description", q.description},
                                     {"schema", json::object{{"type", q.type}}}});
  }
  return params;
}

json::object operation_of(const AdminRoute& route) {
  json::object op{{"operationId", route.operation_id},
                  {"summary", route.summary},
                  {"tags", json::array{tag_of(route.pattern)}}};
  if (json::array params = parameters_of(route); !params.empty()) op["parameters"] = std::move(params);
  if (!route.request_schema.empty()) {
    op["requestBody"] = json::object{{"required", route.body_required},
                                     {"content", content_of(route.request_schema)}};
  }
  json::object responses;
  json::object success{{"description", route.success_status == 204 ? "Done" : "OK"}};
  if (!route.response_schema.empty()) {
    // The document is plain JSON for OpenAPI tools; everything else is SCIM JSON.
    success["content"] = content_of(route.response_schema,
                                    route.public_route ? "application/json" : kContentType);
  }
  responses[std::to_string(route.success_status)] = std::move(success);
  std::vector<int> errors = route.errors;
  if (!route.public_route) errors.push_back(401);
  if (route.pattern.find("{") != std::string_view::npos) errors.push_back(404);
  for (int status : errors) {
    responses[std::to_string(status)] =
        json::object{{"description", error_description(status)}, {"content", content_of("Error")}};
  }
  op["responses"] = std::move(responses);
  if (route.public_route) op["security"] = json::array{};
  return op;
}

std::string lower(std::string_view method) {
  std::string out(method);
  for (char& c : out) c = static_cast<char>(c - 'A' + 'a');
  return out;
}

}  // namespace

json::object admin_openapi(std::string_view public_url) {
  json::object schemas = json::parse(kSchemas).as_object();
  json::array types;
  for (const auto& t : store::event_types()) types.emplace_back(t);
  schemas["EventType"].as_object()["enum"] = std::move(types);

  json::object paths;
  for (const AdminRoute& route : admin_routes()) {
    const std::string path = std::string(kAdminPrefix) + std::string(route.pattern);
    json::value& item = paths[path];
    if (!item.is_object()) item.emplace_object();
    item.as_object()[lower(route.method)] = operation_of(route);
  }
  return json::object{
      {"openapi", "3.0.3"},
      {"info",
       json::object{{"title", "scimd admin API"},
                    {"version", "1"},
                    {"description",
                     "Manage scimd tenants, their SCIM tokens, app keys for the directory API, "
                     "settings and webhook endpoints, and read the delivery, provisioning and "
                     "mail logs. Every route but this document needs the admin key as a Bearer "
                     "token. Errors are SCIM Error bodies."}}},
      {"servers", json::array{json::object{{"url", public_url}}}},
      {"security", json::array{json::object{{"adminKey", json::array{}}}}},
      {"tags", json::array{json::object{{"name", "Tenants"}}, json::object{{"name", "Tokens"}},
                           json::object{{"name", "App keys"}}, json::object{{"name", "Settings"}},
                           json::object{{"name", "Webhooks"}}, json::object{{"name", "Logs"}},
                           json::object{{"name", "Meta"}}}},
      {"paths", std::move(paths)},
      {"components",
       json::object{{"securitySchemes",
                     json::object{{"adminKey", json::object{{"type", "http"},
                                                            {"scheme", "bearer"},
                                                            {"description",
                                                             "The admin key scimd was started with "
                                                             "(SCIMD_ADMIN_KEY or --admin-key-file)."}}}}},
                    {"schemas", std::move(schemas)}}},
  };
}

Result<Response> admin_get_openapi(AdminCall& call) {
  // Built per request: it is small, asked for rarely, and carries the configured public URL.
  Response r;
  r.body = json::serialize(admin_openapi(call.ctx.options.public_url));
  r.headers.emplace_back("Content-Type", "application/json");
  return r;
}

}  // namespace scimd::api
