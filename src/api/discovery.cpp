#include "api/discovery.h"

#include <boost/json.hpp>

#include "api/error_response.h"
#include "api/json_response.h"
#include "core/text.h"
#include "scim/schema.h"

namespace scimd::api {

namespace json = boost::json;

namespace {

json::object supported(bool yes) { return json::object{{"supported", yes}}; }

json::object list_response(json::array resources) {
  json::object o;
  o["schemas"] = json::array{scim::urn::kListResponse};
  o["totalResults"] = resources.size();
  o["startIndex"] = 1;
  o["itemsPerPage"] = resources.size();
  o["Resources"] = std::move(resources);
  return o;
}

json::object resource_type_json(const scim::ResourceTypeDef& t, std::string_view base_url) {
  json::object o;
  o["schemas"] = json::array{scim::urn::kResourceType};
  o["id"] = t.name;
  o["name"] = t.name;
  o["endpoint"] = t.endpoint;
  o["description"] = t.description;
  o["schema"] = t.schema->id;
  json::array exts;
  for (const auto& e : t.extensions) {
    exts.emplace_back(json::object{{"schema", e.schema->id}, {"required", e.required}});
  }
  o["schemaExtensions"] = std::move(exts);
  o["meta"] = json::object{{"resourceType", "ResourceType"},
                           {"location", std::string(base_url) + "/ResourceTypes/" + t.name}};
  return o;
}

const std::vector<const scim::SchemaDef*>& served_schemas() {
  static const std::vector<const scim::SchemaDef*> all{
      &scim::user_schema(), &scim::enterprise_user_schema(), &scim::group_schema()};
  return all;
}

}  // namespace

Response service_provider_config(std::string_view base_url, const Capabilities& caps) {
  json::object o;
  o["schemas"] = json::array{scim::urn::kServiceProviderConfig};
  o["documentationUri"] = "https://datatracker.ietf.org/doc/html/rfc7644";
  o["patch"] = supported(true);
  json::object bulk = supported(true);
  bulk["maxOperations"] = caps.bulk_max_operations;
  bulk["maxPayloadSize"] = caps.max_payload_bytes;
  o["bulk"] = std::move(bulk);
  json::object filter = supported(true);
  filter["maxResults"] = caps.max_page_size;
  o["filter"] = std::move(filter);
  o["changePassword"] = supported(false);
  o["sort"] = supported(true);
  o["etag"] = supported(true);
  // RFC 9865: both methods; index stays the default, as Okta and Entra page by index.
  json::object pagination;
  pagination["cursor"] = true;
  pagination["index"] = true;
  pagination["defaultPaginationMethod"] = "index";
  pagination["defaultPageSize"] = caps.default_page_size;
  pagination["maxPageSize"] = caps.max_page_size;
  o["pagination"] = std::move(pagination);
  json::object scheme;
  scheme["type"] = "oauthbearertoken";
  scheme["name"] = "OAuth Bearer Token";
  scheme["description"] = "The tenant's Secret Token in an Authorization: Bearer header.";
  scheme["primary"] = true;
  o["authenticationSchemes"] = json::array{std::move(scheme)};
  o["meta"] = json::object{{"resourceType", "ServiceProviderConfig"},
                           {"location", std::string(base_url) + "/ServiceProviderConfig"}};
  return json_response(200, o);
}

Response resource_types(std::string_view base_url, std::optional<std::string_view> name) {
  if (name) {
    for (const auto* t : scim::all_resource_types()) {
      if (iequals(t->name, *name)) return json_response(200, resource_type_json(*t, base_url));
    }
    return error_response(make_error(Errc::not_found, "no resource type '" + std::string(*name) + "'"));
  }
  json::array all;
  for (const auto* t : scim::all_resource_types()) all.emplace_back(resource_type_json(*t, base_url));
  return json_response(200, list_response(std::move(all)));
}

Response schemas(std::string_view base_url, std::optional<std::string_view> id) {
  if (id) {
    for (const auto* s : served_schemas()) {
      if (iequals(s->id, *id)) return json_response(200, scim::schema_to_json(*s, base_url));
    }
    return error_response(make_error(Errc::not_found, "no schema '" + std::string(*id) + "'"));
  }
  json::array all;
  for (const auto* s : served_schemas()) all.emplace_back(scim::schema_to_json(*s, base_url));
  return json_response(200, list_response(std::move(all)));
}

}  // namespace scimd::api
