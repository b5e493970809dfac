// PATCH application (RFC 7644 §3.5.2) in every dialect clients send; see patch.h.
//
// Leniency, and why: Entra sends unknown (custom) attributes and must never get a 400 for
// them, so operations naming an unknown attribute are ignored; Entra expects replace through a
// value filter that matches nothing to create the element; a path-less value may carry
// readOnly keys (Okta echoes the group id), which are ignored.
#include "scim/patch.h"

#include <exception>
#include <optional>
#include <string>
#include <utility>

#include "core/text.h"
#include "scim/attr_path.h"
#include "scim/filter.h"
#include "scim/patch_members.h"
#include "scim/patch_path.h"
#include "scim/patch_values.h"
#include "scim/resource.h"

namespace scimd::scim {

namespace json = boost::json;

namespace {

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

const json::value* find_key_icase(const json::object& object, std::string_view key) {
  if (const auto it = object.find(key); it != object.end()) return &it->value();
  for (const auto& entry : object) {
    if (iequals(entry.key(), key)) return &entry.value();
  }
  return nullptr;
}

std::optional<PatchOpKind> parse_op(std::string_view op) {
  if (iequals(op, "add")) return PatchOpKind::add;
  if (iequals(op, "replace")) return PatchOpKind::replace;
  if (iequals(op, "remove")) return PatchOpKind::remove;
  return std::nullopt;
}

class PatchApplier {
 public:
  PatchApplier(ResourceKind kind, const json::object& doc) : kind_(kind), doc_(doc) {}

  // Errors name the path (or the key of a path-less value); the caller names the operation.
  Status apply_operation(const json::value& operation);

  PatchResult take_result(const json::object& original) && {
    PatchResult result;
    result.doc_changed = doc_ != original;
    result.doc = std::move(doc_);
    result.member_ops = std::move(member_ops_);
    return result;
  }

 private:
  // An attribute an operation targets, resolved against the schemas.
  struct Target {
    ResolvedAttr resolved;
    std::optional<Filter> filter;
    std::string where;  // the path as written, for error details
  };

  Status apply_path(PatchOpKind op, std::string_view path_text, const json::value* value,
                    bool from_pathless, const std::string& where);
  Status apply_pathless(PatchOpKind op, const json::value* value, bool inside_core_urn);
  Status apply_attr_path(PatchOpKind op, PatchPath path, const json::value* value,
                         bool from_pathless, const std::string& where);
  Status apply_schema_path(PatchOpKind op, const SchemaDef& schema, const json::value* value,
                           const std::string& where);

  Status set_target(PatchOpKind op, const Target& target, const json::value& value);
  Status set_through_filter(PatchOpKind op, const Target& target, const json::value& value);
  void remove_target(const Target& target, const json::value* value);
  void remove_through_filter(const Target& target);

  bool schema_belongs_here(const SchemaDef& schema) const;
  bool is_members(const ResolvedAttr& resolved) const;
  Status check_mutability(const Target& target) const;
  bool element_matches(const Target& target, const Filter& value_path,
                       const json::value& element) const;
  Filter value_path_filter(const Target& target) const;

  // The object holding the attribute: the document, or the extension's object under its URN.
  json::object* container(const ResolvedAttr& resolved, bool create);
  void prune_container(const ResolvedAttr& resolved);

  ResourceKind kind_;
  json::object doc_;
  std::vector<MemberOp> member_ops_;
};

Status PatchApplier::apply_operation(const json::value& operation) {
  const json::object* fields = operation.if_object();
  if (fields == nullptr) {
    return make_error(Errc::invalid_syntax, "an operation must be an object");
  }
  const json::value* op_field = find_key_icase(*fields, "op");
  if (op_field == nullptr || !op_field->is_string()) {
    return make_error(Errc::invalid_syntax, "'op' must be add, replace or remove");
  }
  const std::optional<PatchOpKind> op = parse_op(op_field->get_string());
  if (!op) {
    return make_error(Errc::invalid_syntax, "unknown op '" + std::string(op_field->get_string()) +
                                                "'; expected add, replace or remove");
  }
  const json::value* value = find_key_icase(*fields, "value");
  if (*op != PatchOpKind::remove && value == nullptr) {
    return make_error(Errc::invalid_value,
                      "op '" + std::string(op_field->get_string()) + "' needs a 'value'");
  }

  // Some clients send "path": "" or null for a path-less operation.
  const json::value* path_field = find_key_icase(*fields, "path");
  std::string_view path_text;
  if (path_field != nullptr && !path_field->is_null()) {
    if (!path_field->is_string()) {
      return make_error(Errc::invalid_path, "'path' must be a string");
    }
    path_text = path_field->get_string();
  }
  if (path_text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    if (*op == PatchOpKind::remove) {
      return make_error(Errc::no_target, "remove needs a 'path'");
    }
    return apply_pathless(*op, value, false);
  }
  return apply_path(*op, path_text, value, false, std::string(path_text));
}

Status PatchApplier::apply_path(PatchOpKind op, std::string_view path_text,
                                const json::value* value, bool from_pathless,
                                const std::string& where) {
  // A path that is a whole schema URN targets all of that schema's attributes.
  if (const SchemaDef* schema = find_schema(path_text); schema != nullptr) {
    if (!schema_belongs_here(*schema)) return {};
    return apply_schema_path(op, *schema, value, where);
  }
  auto path = parse_patch_path(path_text);
  if (!path.ok()) {
    if (from_pathless) return {};  // an odd key in a path-less value is an unknown attribute
    return make_error(Errc::invalid_path, path.error().detail);
  }
  return apply_attr_path(op, std::move(path).value(), value, from_pathless, where);
}

Status PatchApplier::apply_schema_path(PatchOpKind op, const SchemaDef& schema,
                                       const json::value* value, const std::string& where) {
  const bool is_core = &schema == resource_type(kind_).schema;
  if (op == PatchOpKind::remove) {
    if (is_core) {
      return make_error(Errc::invalid_path, quoted(where) + ": cannot remove the core schema");
    }
    doc_.erase(schema.id);
    return {};
  }
  if (value == nullptr || !value->is_object()) {
    return make_error(Errc::invalid_value,
                      quoted(where) + ": the value of a schema path must be an object");
  }
  if (is_core) return apply_pathless(op, value, true);
  json::object wrapped;
  wrapped[schema.id] = *value;
  const json::value wrapped_value(std::move(wrapped));
  return apply_pathless(op, &wrapped_value, false);
}

Status PatchApplier::apply_pathless(PatchOpKind op, const json::value* value,
                                    bool inside_core_urn) {
  if (value == nullptr || !value->is_object()) {
    return make_error(Errc::invalid_value, "an operation without 'path' needs an object 'value'");
  }
  for (const auto& entry : value->get_object()) {
    const std::string_view key = entry.key();
    const std::string key_where(key);
    if (iequals(key, "schemas")) continue;
    const SchemaDef* schema = find_schema(key);
    if (schema == nullptr) {
      SCIMD_TRY(apply_path(op, key, &entry.value(), true, key_where));
      continue;
    }
    // An extension (or core) URN key holds an object of that schema's attributes.
    if (inside_core_urn || !schema_belongs_here(*schema) || !entry.value().is_object()) continue;
    if (schema == resource_type(kind_).schema) {
      SCIMD_TRY(apply_pathless(op, &entry.value(), true));
      continue;
    }
    for (const auto& attr_entry : entry.value().get_object()) {
      const std::string attr_where = key_where + ":" + std::string(attr_entry.key());
      auto path = parse_patch_path(attr_entry.key());
      if (!path.ok() || !path->attr.urn.empty()) continue;  // unknown attribute: ignored
      path->attr.urn = schema->id;
      SCIMD_TRY(
          apply_attr_path(op, std::move(path).value(), &attr_entry.value(), true, attr_where));
    }
  }
  return {};
}

Status PatchApplier::apply_attr_path(PatchOpKind op, PatchPath path, const json::value* value,
                                     bool from_pathless, const std::string& where) {
  auto resolved = resolve(kind_, path.attr);
  if (!resolved.ok()) return {};  // unknown attribute: ignored, never a 400 (see top)
  Target target{std::move(resolved).value(), std::move(path.filter), where};

  if (is_members(target.resolved)) {
    if (target.resolved.sub != nullptr) {
      return make_error(
          Errc::invalid_path,
          quoted(where) + ": unsupported path on members; use members or members[value eq \"id\"]");
    }
    SCIMD_ASSIGN_OR_RETURN(auto member_change, member_op(op, target.filter, value, where));
    if (member_change) member_ops_.push_back(std::move(*member_change));
    return {};
  }

  // scimd stores no writeOnly attribute (password); Okta syncs passwords by PATCH and must
  // not fail for it.
  if (target.resolved.attr->mutability == Mutability::write_only) return {};
  if (auto allowed = check_mutability(target); !allowed.ok()) {
    if (from_pathless) return {};  // readOnly keys in a path-less value are ignored
    return allowed;
  }
  if (target.filter) {
    const AttributeDef& attr = *target.resolved.attr;
    if (!attr.multi_valued || attr.type != AttrType::complex) {
      return make_error(Errc::invalid_path,
                        quoted(where) + ": a value filter needs a multi-valued complex attribute");
    }
    coerce_filter_booleans(attr, *target.filter);
  }

  if (op == PatchOpKind::remove) {
    if (target.filter) {
      remove_through_filter(target);
    } else {
      remove_target(target, value);
    }
    prune_container(target.resolved);
    return {};
  }
  const Status status =
      target.filter ? set_through_filter(op, target, *value) : set_target(op, target, *value);
  prune_container(target.resolved);
  return status;
}

bool PatchApplier::schema_belongs_here(const SchemaDef& schema) const {
  const ResourceTypeDef& type = resource_type(kind_);
  if (&schema == type.schema) return true;
  for (const SchemaExtension& extension : type.extensions) {
    if (extension.schema == &schema) return true;
  }
  return false;
}

bool PatchApplier::is_members(const ResolvedAttr& resolved) const {
  return kind_ == ResourceKind::group && !resolved.in_extension() &&
         iequals(resolved.attr->name, "members");
}

Status PatchApplier::check_mutability(const Target& target) const {
  const AttributeDef& attr = *target.resolved.attr;
  const AttributeDef* sub = target.resolved.sub;
  if (attr.mutability == Mutability::read_only ||
      (sub != nullptr && sub->mutability == Mutability::read_only)) {
    return make_error(Errc::mutability, quoted(target.where) + ": the attribute is readOnly");
  }
  if (attr.mutability == Mutability::immutable) {
    // immutable: may be set once, never changed.
    const json::object* holder = &doc_;
    if (target.resolved.in_extension()) {
      const auto it = doc_.find(target.resolved.schema->id);
      holder = it == doc_.end() ? nullptr : it->value().if_object();
    }
    if (holder != nullptr && holder->contains(attr.name)) {
      return make_error(Errc::mutability, quoted(target.where) + ": the attribute is immutable");
    }
  }
  return {};
}

json::object* PatchApplier::container(const ResolvedAttr& resolved, bool create) {
  if (!resolved.in_extension()) return &doc_;
  const std::string& urn = resolved.schema->id;
  const auto it = doc_.find(urn);
  if (it != doc_.end() && it->value().is_object()) return &it->value().get_object();
  if (!create) return nullptr;
  json::value& slot = doc_[urn];
  slot = json::object();
  return &slot.get_object();
}

void PatchApplier::prune_container(const ResolvedAttr& resolved) {
  if (json::object* holder = container(resolved, false)) {
    erase_if_empty(*holder, resolved.attr->name);
  }
  if (resolved.in_extension()) erase_if_empty(doc_, resolved.schema->id);
}

Status PatchApplier::set_target(PatchOpKind op, const Target& target, const json::value& value) {
  const AttributeDef& attr = *target.resolved.attr;
  const AttributeDef* sub = target.resolved.sub;
  json::object& holder = *container(target.resolved, true);

  if (sub != nullptr) {
    SCIMD_ASSIGN_OR_RETURN(json::value coerced, coerce_patch_value(*sub, value, target.where));
    if (attr.multi_valued) {
      // `emails.value` without a filter: every value, or a first value when there is none.
      json::value& slot = holder[attr.name];
      if (!slot.is_array()) slot = json::array();
      json::array& values = slot.get_array();
      if (values.empty() && !coerced.is_null()) values.push_back(json::object());
      for (json::value& element : values) {
        if (!element.is_object()) element = json::object();
        if (coerced.is_null()) {
          element.get_object().erase(sub->name);
        } else {
          element.get_object()[sub->name] = coerced;
        }
      }
      if (sub->name == kPrimary) keep_first_primary(values, all_indices(values));
      return {};
    }
    json::value& parent = holder[attr.name];
    if (!parent.is_object()) parent = json::object();
    if (coerced.is_null()) {
      parent.get_object().erase(sub->name);
    } else {
      parent.get_object()[sub->name] = std::move(coerced);
    }
    return {};
  }

  SCIMD_ASSIGN_OR_RETURN(json::value coerced, coerce_patch_value(attr, value, target.where));
  if (coerced.is_null()) {
    // add null to a multi-valued attribute adds nothing; otherwise null clears (RFC 7644 §3.5.2).
    if (!(op == PatchOpKind::add && attr.multi_valued)) holder.erase(attr.name);
    return {};
  }
  if (attr.multi_valued && coerced.is_array()) {
    json::value& slot = holder[attr.name];
    if (op == PatchOpKind::replace || !slot.is_array()) {
      slot = std::move(coerced);
      keep_first_primary(slot.get_array(), all_indices(slot.get_array()));
      return {};
    }
    // add appends the values not already there (RFC 7644 §3.5.2.1: no change for those).
    json::array& values = slot.get_array();
    std::vector<std::size_t> added_or_present;
    for (json::value& incoming : coerced.get_array()) {
      std::size_t index = values.size();
      for (std::size_t i = 0; i < values.size(); ++i) {
        if (values[i] == incoming) {
          index = i;
          break;
        }
      }
      if (index == values.size()) values.push_back(std::move(incoming));
      added_or_present.push_back(index);
    }
    keep_first_primary(values, added_or_present);
    return {};
  }
  if (attr.type == AttrType::complex && coerced.is_object()) {
    json::value& slot = holder[attr.name];
    if (!slot.is_object()) slot = json::object();
    merge_complex(slot.get_object(), coerced.get_object());
    return {};
  }
  holder[attr.name] = std::move(coerced);
  return {};
}

Filter PatchApplier::value_path_filter(const Target& target) const {
  Filter value_path;
  value_path.kind = Filter::Kind::value_path;
  value_path.path.attr = target.resolved.attr->name;
  if (target.resolved.in_extension()) value_path.path.urn = target.resolved.schema->id;
  value_path.children.push_back(*target.filter);
  return value_path;
}

bool PatchApplier::element_matches(const Target& target, const Filter& value_path,
                                   const json::value& element) const {
  // matches() evaluates a representation; a one-element one holds just this value.
  json::object resource;
  json::array single;
  single.push_back(element);
  if (target.resolved.in_extension()) {
    json::object extension;
    extension[target.resolved.attr->name] = std::move(single);
    resource[target.resolved.schema->id] = std::move(extension);
  } else {
    resource[target.resolved.attr->name] = std::move(single);
  }
  return matches(kind_, value_path, resource);
}

Status PatchApplier::set_through_filter(PatchOpKind op, const Target& target,
                                        const json::value& value) {
  const AttributeDef& attr = *target.resolved.attr;
  const AttributeDef* sub = target.resolved.sub;
  const AttributeDef single = element_def(attr);
  json::object& holder = *container(target.resolved, true);
  json::value& slot = holder[attr.name];
  if (!slot.is_array()) slot = json::array();
  json::array& values = slot.get_array();

  const Filter value_path = value_path_filter(target);
  std::vector<std::size_t> matched;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (element_matches(target, value_path, values[i])) matched.push_back(i);
  }

  if (matched.empty()) {
    // Entra replaces `emails[type eq "work"].value` on users without a work email and expects
    // the email to appear: build the element from the filter's eq terms.
    json::object element;
    if (!element_from_filter(attr, *target.filter, element)) {
      return make_error(Errc::no_target, quoted(target.where) + ": no value matches the filter");
    }
    if (sub != nullptr) {
      if (value.is_null()) return {};
      element[sub->name] = value;
    } else if (value.is_object()) {
      for (const auto& entry : value.get_object()) element[entry.key()] = entry.value();
    } else if (value.is_null()) {
      return {};
    } else {
      return make_error(Errc::invalid_value,
                        quoted(target.where) + ": the value must be an object");
    }
    SCIMD_ASSIGN_OR_RETURN(
        json::value coerced,
        coerce_patch_value(single, json::value(std::move(element)), target.where));
    if (!coerced.is_object()) return {};
    values.push_back(std::move(coerced));
    if (is_primary(values.back())) clear_other_primaries(values, values.size() - 1);
    return {};
  }

  if (sub != nullptr) {
    SCIMD_ASSIGN_OR_RETURN(json::value coerced, coerce_patch_value(*sub, value, target.where));
    for (const std::size_t i : matched) {
      if (!values[i].is_object()) values[i] = json::object();
      if (coerced.is_null()) {
        values[i].get_object().erase(sub->name);
      } else {
        values[i].get_object()[sub->name] = coerced;
      }
    }
  } else {
    SCIMD_ASSIGN_OR_RETURN(json::value coerced, coerce_patch_value(single, value, target.where));
    if (coerced.is_null()) {
      remove_through_filter(target);
      return {};
    }
    if (!coerced.is_object()) {
      return make_error(Errc::invalid_value,
                        quoted(target.where) + ": the value must be an object");
    }
    for (const std::size_t i : matched) {
      if (op == PatchOpKind::add && values[i].is_object()) {
        merge_complex(values[i].get_object(), coerced.get_object());
      } else {
        values[i] = coerced;
      }
    }
  }
  keep_first_primary(values, matched);
  return {};
}

void PatchApplier::remove_through_filter(const Target& target) {
  json::object* holder = container(target.resolved, false);
  if (holder == nullptr) return;
  const auto it = holder->find(target.resolved.attr->name);
  if (it == holder->end() || !it->value().is_array()) return;
  json::array& values = it->value().get_array();
  const Filter value_path = value_path_filter(target);
  const AttributeDef* sub = target.resolved.sub;

  json::array kept;
  for (json::value& element : values) {
    if (!element_matches(target, value_path, element)) {
      kept.push_back(std::move(element));
      continue;
    }
    if (sub == nullptr || !element.is_object()) continue;  // the whole value goes
    element.get_object().erase(sub->name);
    if (!element.get_object().empty()) kept.push_back(std::move(element));
  }
  values = std::move(kept);
}

void PatchApplier::remove_target(const Target& target, const json::value* value) {
  json::object* holder = container(target.resolved, false);
  if (holder == nullptr) return;
  const AttributeDef& attr = *target.resolved.attr;
  const AttributeDef* sub = target.resolved.sub;
  const auto it = holder->find(attr.name);
  if (it == holder->end()) return;

  if (sub != nullptr) {
    if (json::object* parent = it->value().if_object()) {
      parent->erase(sub->name);
    } else if (json::array* values = it->value().if_array()) {
      json::array kept;
      for (json::value& element : *values) {
        if (json::object* object = element.if_object()) object->erase(sub->name);
        if (!(element.is_object() && element.get_object().empty()))
          kept.push_back(std::move(element));
      }
      *values = std::move(kept);
    }
    return;
  }

  // Entra-style remove with a value list on a multi-valued attribute removes those values only.
  if (attr.multi_valued && value != nullptr && !value->is_null() && it->value().is_array()) {
    auto patterns = coerce_patch_value(attr, *value, target.where);
    if (!patterns.ok() || !patterns->is_array()) return;
    json::array kept;
    for (json::value& element : it->value().get_array()) {
      bool named = false;
      for (const json::value& pattern : patterns->get_array()) {
        if (element_contains(element, pattern)) {
          named = true;
          break;
        }
      }
      if (!named) kept.push_back(std::move(element));
    }
    it->value().get_array() = std::move(kept);
    return;
  }
  holder->erase(it);
}

}  // namespace

Result<PatchResult> apply_patch(ResourceKind kind, const json::object& doc,
                                const json::value& patch_body) {
  try {
    const json::object* body = patch_body.if_object();
    if (body == nullptr) {
      return make_error(Errc::invalid_syntax, "a PATCH body must be a PatchOp object");
    }
    // The PatchOp schema is not checked: clients that omit it still send valid Operations.
    const json::value* operations_field = find_key_icase(*body, "Operations");
    if (operations_field == nullptr || !operations_field->is_array()) {
      return make_error(Errc::invalid_syntax, "a PATCH body needs an 'Operations' array");
    }
    const json::array& operations = operations_field->get_array();
    if (operations.empty()) {
      return make_error(Errc::invalid_value, "'Operations' must not be empty");
    }
    if (operations.size() > kMaxPatchOperations) {
      return make_error(Errc::invalid_value,
                        "'Operations' has " + std::to_string(operations.size()) +
                            " operations; at most " + std::to_string(kMaxPatchOperations) +
                            " are allowed per request");
    }

    PatchApplier applier(kind, doc);
    for (std::size_t i = 0; i < operations.size(); ++i) {
      if (Status applied = applier.apply_operation(operations[i]); !applied.ok()) {
        Error error = std::move(applied).error();
        error.detail = "Operations[" + std::to_string(i) + "]: " + error.detail;
        return error;
      }
    }
    return std::move(applier).take_result(doc);
  } catch (const std::exception& e) {
    // Only allocation failures can land here; the request fails, the server does not.
    return make_error(Errc::internal, std::string("PATCH failed: ") + e.what());
  }
}

}  // namespace scimd::scim
