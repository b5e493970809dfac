#include "scim/resource.h"

#include "core/text.h"
#include "core/time.h"
#include "scim/attr_path.h"

namespace scimd::scim {

namespace json = boost::json;

namespace {

Error invalid(std::string_view where, std::string_view what) {
  return make_error(Errc::invalid_value, "attribute '" + std::string(where) + "' " + std::string(what));
}

Result<json::value> coerce_scalar(const AttributeDef& def, const json::value& v,
                                  std::string_view where) {
  switch (def.type) {
    case AttrType::string:
    case AttrType::reference:
    case AttrType::binary:
      if (!v.is_string()) return invalid(where, "must be a string");
      if (v.as_string().size() > kMaxStringBytes) return invalid(where, "is too long");
      return v;
    case AttrType::date_time:
      if (!v.is_string() || !parse_time(v.as_string())) {
        return invalid(where, "must be a dateTime (RFC 3339)");
      }
      return v;
    case AttrType::boolean:
      if (v.is_bool()) return v;
      // Entra sends "True"/"False" (and custom mappings "true"/"false") for booleans.
      if (v.is_string()) {
        if (iequals(v.as_string(), "true")) return json::value(true);
        if (iequals(v.as_string(), "false")) return json::value(false);
      }
      return invalid(where, "must be a boolean");
    case AttrType::integer:
      if (v.is_int64() || v.is_uint64()) return v;
      if (v.is_double() && v.as_double() == static_cast<double>(static_cast<std::int64_t>(v.as_double()))) {
        return json::value(static_cast<std::int64_t>(v.as_double()));
      }
      return invalid(where, "must be an integer");
    case AttrType::decimal:
      if (v.is_number()) return v;
      return invalid(where, "must be a number");
    case AttrType::complex:
      break;
  }
  return invalid(where, "has an unsupported type");
}

Result<json::value> coerce_complex(const AttributeDef& def, const json::value& v,
                                   std::string_view where) {
  if (!v.is_object()) {
    // A bare value for a complex attribute that has a `value` sub-attribute (Entra's manager
    // "271", or emails given as plain strings) means {"value": v}.
    const AttributeDef* value_sub = def.find_sub("value");
    if (value_sub != nullptr && (v.is_string() || v.is_number() || v.is_bool())) {
      SCIMD_ASSIGN_OR_RETURN(json::value coerced,
                             coerce_scalar(*value_sub, v, std::string(where) + ".value"));
      return json::value(json::object{{"value", std::move(coerced)}});
    }
    return invalid(where, "must be an object");
  }
  json::object out;
  for (const auto& [key, sub_value] : v.as_object()) {
    const AttributeDef* sub = def.find_sub(key);
    // Unknown and read-only sub-attributes (manager.displayName) are ignored, as at the top.
    if (sub == nullptr || sub_value.is_null() || sub->mutability == Mutability::read_only) continue;
    const std::string sub_where = std::string(where) + "." + sub->name;
    SCIMD_ASSIGN_OR_RETURN(json::value coerced, coerce_scalar(*sub, sub_value, sub_where));
    out[sub->name] = std::move(coerced);
  }
  return json::value(std::move(out));
}

Result<json::value> coerce_one(const AttributeDef& def, const json::value& v, std::string_view where) {
  if (def.type == AttrType::complex) return coerce_complex(def, v, where);
  return coerce_scalar(def, v, where);
}

bool is_primary(const json::value& element) {
  if (!element.is_object()) return false;
  const json::value* p = element.as_object().if_contains("primary");
  return p != nullptr && p->is_bool() && p->as_bool();
}

std::optional<std::string> string_at(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return std::string(v->as_string());
}

// Members as Entra, Okta and Microsoft's collection send them: {"value","display"} or
// {"value","displayName"} or {"$ref":null,"value"}; a bare string is an id.
Result<std::vector<MemberRef>> parse_members(const json::value& v) {
  std::vector<MemberRef> out;
  const json::array empty;
  json::array single;
  const json::array* items = &empty;
  if (v.is_array()) {
    items = &v.as_array();
  } else if (!v.is_null()) {
    single.push_back(v);
    items = &single;
  }
  for (const auto& item : *items) {
    MemberRef m;
    if (item.is_string()) {
      m.value = item.as_string();
    } else if (item.is_object()) {
      for (const auto& [key, val] : item.as_object()) {
        if (!val.is_string()) continue;
        if (iequals(key, "value")) m.value = val.as_string();
        else if (iequals(key, "display") || iequals(key, "displayName")) m.display = val.as_string();
        else if (iequals(key, "type")) m.type = val.as_string();
      }
    } else {
      return make_error(Errc::invalid_value, "attribute 'members' entries must be objects");
    }
    if (m.value.empty()) {
      return make_error(Errc::invalid_value, "attribute 'members' entry has no 'value'");
    }
    out.push_back(std::move(m));
  }
  return out;
}

Status check_schemas(const ResourceTypeDef& type, const json::object& body) {
  const json::value* schemas = nullptr;
  for (const auto& [key, val] : body) {
    if (iequals(key, "schemas")) schemas = &val;
  }
  if (schemas == nullptr || !schemas->is_array()) {
    return make_error(Errc::invalid_syntax, "'schemas' must be an array naming " + type.schema->id);
  }
  bool has_core = false;
  for (const auto& s : schemas->as_array()) {
    if (!s.is_string()) return make_error(Errc::invalid_syntax, "'schemas' must hold strings");
    if (iequals(s.as_string(), type.schema->id)) has_core = true;
  }
  if (!has_core) {
    return make_error(Errc::invalid_syntax, "'schemas' must include " + type.schema->id);
  }
  return {};
}

const SchemaDef* extension_named(const ResourceTypeDef& type, std::string_view key) {
  for (const auto& ext : type.extensions) {
    if (iequals(ext.schema->id, key)) return ext.schema;
  }
  return nullptr;
}

bool writable(const AttributeDef& def) {
  return def.mutability != Mutability::read_only && def.mutability != Mutability::write_only;
}

Status check_primary(const json::object& doc, const AttributeDef& def) {
  if (!def.multi_valued || def.type != AttrType::complex) return {};
  const json::value* v = doc.if_contains(def.name);
  if (v == nullptr || !v->is_array()) return {};
  int primaries = 0;
  for (const auto& e : v->as_array()) primaries += is_primary(e) ? 1 : 0;
  if (primaries > 1) return invalid(def.name, "has more than one primary value");
  return {};
}

}  // namespace

Result<json::value> coerce_value(const AttributeDef& def, const json::value& value,
                                 std::string_view where) {
  if (value.is_null()) return value;
  if (def.multi_valued) {
    json::array out;
    const auto add = [&](const json::value& element) -> Status {
      if (element.is_null()) return {};
      SCIMD_ASSIGN_OR_RETURN(json::value coerced, coerce_one(def, element, where));
      out.push_back(std::move(coerced));
      return {};
    };
    if (value.is_array()) {
      for (const auto& element : value.as_array()) SCIMD_TRY(add(element));
    } else {
      SCIMD_TRY(add(value));
    }
    return json::value(std::move(out));
  }
  // A one-element array for a singular attribute (an old Entra sample sends manager so).
  if (value.is_array()) {
    if (value.as_array().size() != 1) return invalid(where, "is single-valued");
    return coerce_one(def, value.as_array().front(), where);
  }
  return coerce_one(def, value, where);
}

Result<Incoming> normalize_resource(ResourceKind kind, const json::value& body) {
  const ResourceTypeDef& type = resource_type(kind);
  if (!body.is_object()) return make_error(Errc::invalid_syntax, "the body must be a JSON object");
  const json::object& in = body.as_object();
  SCIMD_TRY(check_schemas(type, in));
  Incoming out;
  for (const auto& [key, val] : in) {
    if (val.is_null()) continue;
    if (const SchemaDef* ext = extension_named(type, key)) {
      if (!val.is_object()) return invalid(ext->id, "must be an object");
      json::object ext_doc;
      for (const auto& [ext_key, ext_val] : val.as_object()) {
        const AttributeDef* def = ext->find(ext_key);
        if (def == nullptr || !writable(*def) || ext_val.is_null()) continue;
        SCIMD_ASSIGN_OR_RETURN(json::value coerced,
                               coerce_value(*def, ext_val, ext->id + ":" + def->name));
        ext_doc[def->name] = std::move(coerced);
      }
      if (!ext_doc.empty()) out.doc[ext->id] = std::move(ext_doc);
      continue;
    }
    if (kind == ResourceKind::group && iequals(key, "members")) {
      SCIMD_ASSIGN_OR_RETURN(out.members, parse_members(val));
      out.members_present = true;
      continue;
    }
    // Core attributes, or URN-qualified names of core and extension attributes.
    const AttributeDef* def = type.schema->find(key);
    std::string ext_key;
    if (def == nullptr) def = common_schema().find(key);
    if (def == nullptr && key.size() > 4 && iequals(key.substr(0, 4), "urn:")) {
      auto path = parse_attr_path(key);
      if (!path.ok() || !path->sub.empty()) continue;
      auto resolved = resolve(kind, *path);
      if (!resolved.ok()) continue;
      def = resolved->attr;
      if (resolved->in_extension()) ext_key = resolved->schema->id;
    }
    if (def == nullptr || !writable(*def)) continue;  // unknown and readOnly: ignored
    SCIMD_ASSIGN_OR_RETURN(json::value coerced, coerce_value(*def, val, def->name));
    if (ext_key.empty()) {
      out.doc[def->name] = std::move(coerced);
    } else {
      out.doc[ext_key].emplace_object()[def->name] = std::move(coerced);
    }
  }
  SCIMD_TRY(check_document(kind, out.doc));
  return out;
}

Status check_document(ResourceKind kind, const json::object& doc) {
  const ResourceTypeDef& type = resource_type(kind);
  for (const auto& def : type.schema->attributes) {
    if (def.required) {
      const json::value* v = doc.if_contains(def.name);
      if (v == nullptr || v->is_null() || (v->is_string() && v->as_string().empty())) {
        return make_error(Errc::invalid_value, "attribute '" + def.name + "' is required");
      }
    }
    SCIMD_TRY(check_primary(doc, def));
  }
  return {};
}

IndexKeys index_keys(ResourceKind kind, const json::object& doc) {
  IndexKeys keys;
  keys.display_name = string_at(doc, "displayName");
  keys.external_id = string_at(doc, "externalId");
  if (kind == ResourceKind::group) return keys;
  keys.user_name = string_at(doc, "userName");
  if (const json::value* active = doc.if_contains("active"); active && active->is_bool()) {
    keys.active = active->as_bool();
  }
  if (const json::value* emails = doc.if_contains("emails"); emails && emails->is_array()) {
    bool work_seen = false;  // the first element typed "work" names the work email
    for (const auto& e : emails->as_array()) {
      if (!e.is_object()) continue;
      auto type = string_at(e.as_object(), "type");
      auto value = string_at(e.as_object(), "value");
      if (type && !work_seen && iequals(*type, "work")) {
        work_seen = true;
        keys.work_email = value;
      }
      if (value) keys.emails.push_back(EmailKey{std::move(type), std::move(*value)});
    }
  }
  return keys;
}

std::string etag(std::int64_t version) { return "W/\"" + std::to_string(version) + "\""; }

json::object to_representation(ResourceKind kind, const json::object& doc, const Meta& meta,
                               const std::vector<MemberRef>* members,
                               const std::vector<GroupRef>* groups, std::string_view base_url) {
  const ResourceTypeDef& type = resource_type(kind);
  json::object out;
  json::array schemas{json::string(type.schema->id)};
  for (const auto& ext : type.extensions) {
    if (doc.contains(ext.schema->id)) schemas.emplace_back(ext.schema->id);
  }
  out["schemas"] = std::move(schemas);
  out["id"] = meta.id;
  for (const auto& [key, val] : doc) out[key] = val;
  if (members != nullptr) {
    json::array arr;
    for (const auto& m : *members) {
      json::object o;
      o["value"] = m.value;
      if (!m.display.empty()) o["display"] = m.display;
      if (!m.type.empty()) {
        o["type"] = m.type;
        o["$ref"] = std::string(base_url) + (m.type == "Group" ? "/Groups/" : "/Users/") + m.value;
      }
      arr.emplace_back(std::move(o));
    }
    out["members"] = std::move(arr);
  }
  if (groups != nullptr) {
    json::array arr;
    for (const auto& g : *groups) {
      json::object o;
      o["value"] = g.value;
      o["$ref"] = std::string(base_url) + "/Groups/" + g.value;
      if (!g.display.empty()) o["display"] = g.display;
      o["type"] = "direct";
      arr.emplace_back(std::move(o));
    }
    out["groups"] = std::move(arr);
  }
  json::object m;
  m["resourceType"] = type.name;
  m["created"] = meta.created;
  m["lastModified"] = meta.last_modified;
  m["location"] = meta.location;
  m["version"] = etag(meta.version);
  out["meta"] = std::move(m);
  return out;
}

}  // namespace scimd::scim
