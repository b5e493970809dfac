#include "scim/schema.h"

#include "core/text.h"
#include "scim/attr_path.h"

namespace scimd::scim {

namespace {

// Small builders so the definitions below read like RFC 7643 §8.7.
AttributeDef attr(std::string name, AttrType type, std::string description) {
  AttributeDef a;
  a.name = std::move(name);
  a.type = type;
  a.description = std::move(description);
  return a;
}
AttributeDef str(std::string name, std::string description) {
  return attr(std::move(name), AttrType::string, std::move(description));
}
AttributeDef&& exact(AttributeDef&& a) { a.case_exact = true; return std::move(a); }
AttributeDef&& required(AttributeDef&& a) { a.required = true; return std::move(a); }
AttributeDef&& read_only(AttributeDef&& a) { a.mutability = Mutability::read_only; return std::move(a); }
AttributeDef&& immutable(AttributeDef&& a) { a.mutability = Mutability::immutable; return std::move(a); }
AttributeDef&& canonical(AttributeDef&& a, std::vector<std::string> values) {
  a.canonical_values = std::move(values);
  return std::move(a);
}
AttributeDef&& refs(AttributeDef&& a, std::vector<std::string> types) {
  a.reference_types = std::move(types);
  return std::move(a);
}
AttributeDef complex(std::string name, std::string description, std::vector<AttributeDef> subs,
                     bool multi) {
  AttributeDef a = attr(std::move(name), AttrType::complex, std::move(description));
  a.sub_attributes = std::move(subs);
  a.multi_valued = multi;
  return a;
}

// The usual sub-attributes of a multi-valued attribute (RFC 7643 §2.4).
std::vector<AttributeDef> multi_value_subs(AttrType value_type, std::string what,
                                           std::vector<std::string> types) {
  AttributeDef value = attr("value", value_type, what + " value.");
  if (value_type == AttrType::reference) value.reference_types = {"external"};
  return {std::move(value),
          str("display", "A human-readable name, primarily used for display purposes."),
          canonical(str("type", "A label indicating the attribute's function."),
                    std::move(types)),
          attr("primary", AttrType::boolean,
               "A Boolean value indicating the 'primary' or preferred attribute value.")};
}

SchemaDef make_common() {
  SchemaDef s;
  s.id = "common";
  s.name = "Common";
  s.description = "Attributes of every resource (RFC 7643 section 3.1).";
  AttributeDef id = exact(read_only(str("id", "Unique identifier assigned by the service provider.")));
  id.returned = Returned::always;
  id.uniqueness = Uniqueness::server;
  s.attributes.push_back(std::move(id));
  s.attributes.push_back(exact(str("externalId", "Identifier assigned by the provisioning client.")));
  AttributeDef meta = read_only(complex(
      "meta", "Resource metadata.",
      {read_only(exact(str("resourceType", "The name of the resource type."))),
       read_only(attr("created", AttrType::date_time, "When the resource was added.")),
       read_only(attr("lastModified", AttrType::date_time, "When the resource was last changed.")),
       read_only(exact(attr("location", AttrType::reference, "The URI of the resource."))),
       read_only(exact(str("version", "The version (ETag) of the resource.")))},
      false));
  s.attributes.push_back(std::move(meta));
  AttributeDef schemas = exact(read_only(attr("schemas", AttrType::reference,
                                              "The schema URIs the resource conforms to.")));
  schemas.multi_valued = true;
  schemas.returned = Returned::always;
  s.attributes.push_back(std::move(schemas));
  return s;
}

SchemaDef make_user() {
  SchemaDef s;
  s.id = std::string(urn::kUser);
  s.name = "User";
  s.description = "User Account";
  AttributeDef user_name = required(str(
      "userName", "Unique identifier for the User, typically used to sign in. REQUIRED."));
  user_name.uniqueness = Uniqueness::server;
  s.attributes.push_back(std::move(user_name));
  s.attributes.push_back(complex(
      "name", "The components of the user's real name.",
      {str("formatted", "The full name, formatted for display."),
       str("familyName", "The family name (last name)."),
       str("givenName", "The given name (first name)."),
       str("middleName", "The middle name(s)."),
       str("honorificPrefix", "The honorific prefix(es), e.g. 'Ms.'."),
       str("honorificSuffix", "The honorific suffix(es), e.g. 'III'.")},
      false));
  s.attributes.push_back(str("displayName", "The name of the User, suitable for display."));
  s.attributes.push_back(str("nickName", "The casual way to address the user."));
  s.attributes.push_back(refs(attr("profileUrl", AttrType::reference, "A URI of the user's profile."),
                              {"external"}));
  s.attributes.push_back(str("title", "The user's title, such as 'Vice President'."));
  s.attributes.push_back(str("userType", "The relationship between the organization and the user."));
  s.attributes.push_back(str("preferredLanguage", "The user's preferred written or spoken language."));
  s.attributes.push_back(str("locale", "The user's default location, e.g. 'en-US'."));
  s.attributes.push_back(str("timezone", "The user's time zone in IANA format."));
  s.attributes.push_back(attr("active", AttrType::boolean, "The user's administrative status."));
  AttributeDef password = str("password", "The user's clear-text password; never returned.");
  password.mutability = Mutability::write_only;
  password.returned = Returned::never;
  s.attributes.push_back(std::move(password));
  s.attributes.push_back(complex("emails", "Email addresses for the user.",
                                 multi_value_subs(AttrType::string, "Email address",
                                                  {"work", "home", "other"}),
                                 true));
  s.attributes.push_back(complex("phoneNumbers", "Phone numbers for the user.",
                                 multi_value_subs(AttrType::string, "Phone number",
                                                  {"work", "home", "mobile", "fax", "pager", "other"}),
                                 true));
  s.attributes.push_back(complex("ims", "Instant messaging addresses for the user.",
                                 multi_value_subs(AttrType::string, "Instant messaging address",
                                                  {"aim", "gtalk", "icq", "xmpp", "msn", "skype",
                                                   "qq", "yahoo"}),
                                 true));
  s.attributes.push_back(complex("photos", "URLs of photos of the user.",
                                 multi_value_subs(AttrType::reference, "Photo URL",
                                                  {"photo", "thumbnail"}),
                                 true));
  s.attributes.push_back(complex(
      "addresses", "Physical mailing addresses for this user.",
      {str("formatted", "The full mailing address, formatted for display."),
       str("streetAddress", "The full street address component."),
       str("locality", "The city or locality component."),
       str("region", "The state or region component."),
       str("postalCode", "The zip code or postal code component."),
       str("country", "The country name component."),
       canonical(str("type", "A label indicating the attribute's function."),
                 {"work", "home", "other"}),
       attr("primary", AttrType::boolean, "Whether this is the primary address.")},
      true));
  AttributeDef groups = read_only(complex(
      "groups", "The groups the user belongs to, directly. Read-only.",
      {read_only(exact(str("value", "The identifier of the group."))),
       read_only(refs(attr("$ref", AttrType::reference, "The URI of the group."), {"Group"})),
       read_only(str("display", "The group's display name.")),
       read_only(canonical(str("type", "How the user is a member: direct."), {"direct", "indirect"}))},
      true));
  s.attributes.push_back(std::move(groups));
  s.attributes.push_back(complex("entitlements", "Entitlements of the user.",
                                 multi_value_subs(AttrType::string, "Entitlement", {}), true));
  s.attributes.push_back(complex("roles", "Roles of the user.",
                                 multi_value_subs(AttrType::string, "Role", {}), true));
  s.attributes.push_back(complex("x509Certificates", "X.509 certificates of the user.",
                                 multi_value_subs(AttrType::binary, "Certificate", {}), true));
  return s;
}

SchemaDef make_enterprise_user() {
  SchemaDef s;
  s.id = std::string(urn::kEnterpriseUser);
  s.name = "EnterpriseUser";
  s.description = "Enterprise User";
  s.attributes.push_back(str("employeeNumber", "Numeric or alphanumeric identifier of the employee."));
  s.attributes.push_back(str("costCenter", "Identifies the name of a cost center."));
  s.attributes.push_back(str("organization", "Identifies the name of an organization."));
  s.attributes.push_back(str("division", "Identifies the name of a division."));
  s.attributes.push_back(str("department", "Identifies the name of a department."));
  s.attributes.push_back(complex(
      "manager", "The user's manager.",
      {exact(str("value", "The id of the SCIM resource representing the user's manager.")),
       refs(attr("$ref", AttrType::reference, "The URI of the manager."), {"User"}),
       read_only(str("displayName", "The displayName of the user's manager."))},
      false));
  return s;
}

SchemaDef make_group() {
  SchemaDef s;
  s.id = std::string(urn::kGroup);
  s.name = "Group";
  s.description = "Group";
  AttributeDef display_name = required(str("displayName", "A human-readable name for the Group."));
  display_name.uniqueness = Uniqueness::server;
  s.attributes.push_back(std::move(display_name));
  s.attributes.push_back(complex(
      "members", "A list of members of the Group.",
      {immutable(exact(str("value", "Identifier of the member of this Group."))),
       str("display", "A human-readable name of the member."),
       immutable(refs(attr("$ref", AttrType::reference, "The URI of the member."),
                      {"User", "Group"})),
       immutable(canonical(str("type", "The type of the member."), {"User", "Group"}))},
      true));
  return s;
}

const AttributeDef* find_in(const std::vector<AttributeDef>& attrs, std::string_view name) {
  for (const auto& a : attrs) {
    if (iequals(a.name, name)) return &a;
  }
  return nullptr;
}

std::string_view type_name(AttrType t) {
  switch (t) {
    case AttrType::string: return "string";
    case AttrType::boolean: return "boolean";
    case AttrType::decimal: return "decimal";
    case AttrType::integer: return "integer";
    case AttrType::date_time: return "dateTime";
    case AttrType::binary: return "binary";
    case AttrType::reference: return "reference";
    case AttrType::complex: return "complex";
  }
  return "string";
}

std::string_view mutability_name(Mutability m) {
  switch (m) {
    case Mutability::read_only: return "readOnly";
    case Mutability::read_write: return "readWrite";
    case Mutability::immutable: return "immutable";
    case Mutability::write_only: return "writeOnly";
  }
  return "readWrite";
}

std::string_view returned_name(Returned r) {
  switch (r) {
    case Returned::always: return "always";
    case Returned::never: return "never";
    case Returned::by_default: return "default";
    case Returned::request: return "request";
  }
  return "default";
}

std::string_view uniqueness_name(Uniqueness u) {
  switch (u) {
    case Uniqueness::none: return "none";
    case Uniqueness::server: return "server";
    case Uniqueness::global: return "global";
  }
  return "none";
}

boost::json::object attribute_to_json(const AttributeDef& a) {
  boost::json::object o;
  o["name"] = a.name;
  o["type"] = type_name(a.type);
  o["multiValued"] = a.multi_valued;
  o["description"] = a.description;
  o["required"] = a.required;
  if (a.type != AttrType::complex && a.type != AttrType::boolean) o["caseExact"] = a.case_exact;
  if (!a.canonical_values.empty()) {
    boost::json::array values;
    for (const auto& v : a.canonical_values) values.emplace_back(v);
    o["canonicalValues"] = std::move(values);
  }
  if (a.type == AttrType::reference) {
    boost::json::array types;
    for (const auto& t : a.reference_types) types.emplace_back(t);
    o["referenceTypes"] = std::move(types);
  }
  o["mutability"] = mutability_name(a.mutability);
  o["returned"] = returned_name(a.returned);
  if (a.type != AttrType::complex && a.type != AttrType::boolean) {
    o["uniqueness"] = uniqueness_name(a.uniqueness);
  }
  if (a.type == AttrType::complex) {
    boost::json::array subs;
    for (const auto& s : a.sub_attributes) subs.emplace_back(attribute_to_json(s));
    o["subAttributes"] = std::move(subs);
  }
  return o;
}

}  // namespace

const AttributeDef* AttributeDef::find_sub(std::string_view sub_name) const {
  return find_in(sub_attributes, sub_name);
}

const AttributeDef* SchemaDef::find(std::string_view attr_name) const {
  return find_in(attributes, attr_name);
}

const SchemaDef& common_schema() {
  static const SchemaDef s = make_common();
  return s;
}
const SchemaDef& user_schema() {
  static const SchemaDef s = make_user();
  return s;
}
const SchemaDef& enterprise_user_schema() {
  static const SchemaDef s = make_enterprise_user();
  return s;
}
const SchemaDef& group_schema() {
  static const SchemaDef s = make_group();
  return s;
}

const ResourceTypeDef& resource_type(ResourceKind kind) {
  static const ResourceTypeDef user{ResourceKind::user,
                                    "User",
                                    "/Users",
                                    "User Account",
                                    &user_schema(),
                                    {{&enterprise_user_schema(), false}}};
  static const ResourceTypeDef group{ResourceKind::group, "Group", "/Groups", "Group",
                                     &group_schema(), {}};
  return kind == ResourceKind::user ? user : group;
}

const std::vector<const ResourceTypeDef*>& all_resource_types() {
  static const std::vector<const ResourceTypeDef*> all{&resource_type(ResourceKind::user),
                                                       &resource_type(ResourceKind::group)};
  return all;
}

const SchemaDef* find_schema(std::string_view id) {
  for (const SchemaDef* s : {&user_schema(), &enterprise_user_schema(), &group_schema()}) {
    if (iequals(s->id, id)) return s;
  }
  return nullptr;
}

bool ResolvedAttr::in_extension() const {
  return schema != nullptr && schema != &common_schema() &&
         schema != resource_type(ResourceKind::user).schema &&
         schema != resource_type(ResourceKind::group).schema;
}

Result<ResolvedAttr> resolve(ResourceKind kind, const AttrPath& path) {
  const ResourceTypeDef& type = resource_type(kind);
  ResolvedAttr r;
  if (!path.urn.empty()) {
    if (iequals(path.urn, type.schema->id)) {
      r.schema = type.schema;
    } else {
      for (const auto& ext : type.extensions) {
        if (iequals(path.urn, ext.schema->id)) r.schema = ext.schema;
      }
    }
    if (r.schema == nullptr) {
      return make_error(Errc::invalid_path, "unknown schema '" + path.urn + "' for " + type.name);
    }
    r.attr = r.schema->find(path.attr);
    // id, externalId and meta may be qualified with the core schema URN.
    if (r.attr == nullptr && r.schema == type.schema) {
      r.attr = common_schema().find(path.attr);
      if (r.attr != nullptr) r.schema = &common_schema();
    }
  } else {
    r.attr = type.schema->find(path.attr);
    r.schema = type.schema;
    if (r.attr == nullptr) {
      r.attr = common_schema().find(path.attr);
      r.schema = &common_schema();
    }
    // Unqualified extension attributes ("department") are found too, when unambiguous.
    for (const auto& ext : type.extensions) {
      if (r.attr != nullptr) break;
      r.attr = ext.schema->find(path.attr);
      r.schema = ext.schema;
    }
  }
  if (r.attr == nullptr) {
    return make_error(Errc::invalid_path,
                      "unknown attribute '" + path.to_string() + "' for " + type.name);
  }
  if (!path.sub.empty()) {
    r.sub = r.attr->find_sub(path.sub);
    if (r.sub == nullptr) {
      return make_error(Errc::invalid_path,
                        "unknown attribute '" + path.to_string() + "' for " + type.name);
    }
  }
  return r;
}

boost::json::object schema_to_json(const SchemaDef& schema, std::string_view base_url) {
  boost::json::object o;
  o["schemas"] = boost::json::array{std::string(urn::kSchema)};
  o["id"] = schema.id;
  o["name"] = schema.name;
  o["description"] = schema.description;
  boost::json::array attrs;
  for (const auto& a : schema.attributes) attrs.emplace_back(attribute_to_json(a));
  o["attributes"] = std::move(attrs);
  boost::json::object meta;
  meta["resourceType"] = "Schema";
  meta["location"] = std::string(base_url) + "/Schemas/" + schema.id;
  o["meta"] = std::move(meta);
  return o;
}

}  // namespace scimd::scim
