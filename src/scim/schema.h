// The SCIM schemas scimd serves (RFC 7643 §4, §8.7): core User, enterprise User extension and
// Group, as attribute definitions that drive validation, filtering, PATCH and projection.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "core/result.h"

namespace scimd::scim {

namespace urn {
inline constexpr std::string_view kUser = "urn:ietf:params:scim:schemas:core:2.0:User";
inline constexpr std::string_view kEnterpriseUser =
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
inline constexpr std::string_view kGroup = "urn:ietf:params:scim:schemas:core:2.0:Group";
// Entra adds this to the schemas of every group it creates; accepted and not echoed.
inline constexpr std::string_view kEntraGroup =
    "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group";
inline constexpr std::string_view kListResponse = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
inline constexpr std::string_view kPatchOp = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
inline constexpr std::string_view kError = "urn:ietf:params:scim:api:messages:2.0:Error";
inline constexpr std::string_view kSearchRequest =
    "urn:ietf:params:scim:api:messages:2.0:SearchRequest";
inline constexpr std::string_view kBulkRequest = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";
inline constexpr std::string_view kBulkResponse =
    "urn:ietf:params:scim:api:messages:2.0:BulkResponse";
inline constexpr std::string_view kServiceProviderConfig =
    "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";
inline constexpr std::string_view kResourceType = "urn:ietf:params:scim:schemas:core:2.0:ResourceType";
inline constexpr std::string_view kSchema = "urn:ietf:params:scim:schemas:core:2.0:Schema";
}  // namespace urn

enum class AttrType { string, boolean, decimal, integer, date_time, binary, reference, complex };
enum class Mutability { read_only, read_write, immutable, write_only };
enum class Returned { always, never, by_default, request };
enum class Uniqueness { none, server, global };

struct AttributeDef {
  std::string name;  // canonical spelling, e.g. "userName"
  AttrType type = AttrType::string;
  bool multi_valued = false;
  std::string description;
  bool required = false;
  bool case_exact = false;
  Mutability mutability = Mutability::read_write;
  Returned returned = Returned::by_default;
  Uniqueness uniqueness = Uniqueness::none;
  std::vector<std::string> canonical_values;
  std::vector<std::string> reference_types;
  std::vector<AttributeDef> sub_attributes;

  // Sub-attribute by case-insensitive name, or nullptr.
  const AttributeDef* find_sub(std::string_view sub_name) const;
};

struct SchemaDef {
  std::string id;  // the schema URN
  std::string name;
  std::string description;
  std::vector<AttributeDef> attributes;

  const AttributeDef* find(std::string_view attr_name) const;
};

enum class ResourceKind { user, group };

struct SchemaExtension {
  const SchemaDef* schema;
  bool required;
};

struct ResourceTypeDef {
  ResourceKind kind;
  std::string name;      // "User"
  std::string endpoint;  // "/Users"
  std::string description;
  const SchemaDef* schema;  // core schema
  std::vector<SchemaExtension> extensions;
};

// The attributes every resource has (RFC 7643 §3.1): id, externalId, meta.
const SchemaDef& common_schema();
const SchemaDef& user_schema();
const SchemaDef& enterprise_user_schema();
const SchemaDef& group_schema();
const ResourceTypeDef& resource_type(ResourceKind kind);
const std::vector<const ResourceTypeDef*>& all_resource_types();  // User first
// Schema by URN (case-insensitive), among the core and extension schemas; nullptr if unknown.
const SchemaDef* find_schema(std::string_view urn);

// Where an attribute lives: which schema (core/common or an extension), its definition, and
// for "a.b" the sub-attribute definition.
struct ResolvedAttr {
  const SchemaDef* schema = nullptr;   // common_schema() for id/externalId/meta
  const AttributeDef* attr = nullptr;
  const AttributeDef* sub = nullptr;   // non-null when a sub-attribute was named
  bool in_extension() const;           // stored under the extension URN key
};

struct AttrPath;  // attr_path.h
// Resolves a path (URN optional, names case-insensitive) against a resource type's schemas.
// Errors: invalid_path naming the attribute that does not exist.
Result<ResolvedAttr> resolve(ResourceKind kind, const AttrPath& path);

// The /Schemas representation of a schema (RFC 7643 §7).
boost::json::object schema_to_json(const SchemaDef& schema, std::string_view base_url);

}  // namespace scimd::scim
