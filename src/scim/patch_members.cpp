#include "scim/patch_members.h"

#include <string>

#include "core/text.h"

namespace scimd::scim {

namespace json = boost::json;

namespace {

const json::value* find_key_icase(const json::object& object, std::string_view key) {
  if (const auto it = object.find(key); it != object.end()) return &it->value();
  for (const auto& entry : object) {
    if (iequals(entry.key(), key)) return &entry.value();
  }
  return nullptr;
}

Error value_error(std::string_view where, std::string_view why) {
  return make_error(Errc::invalid_value, "'" + std::string(where) + "': " + std::string(why));
}

Result<MemberRef> parse_member(const json::value& entry, std::string_view where) {
  MemberRef member;
  if (const json::string* id = entry.if_string()) {
    member.value = std::string(*id);
  } else if (const json::object* object = entry.if_object()) {
    const json::value* id = find_key_icase(*object, "value");
    if (id == nullptr || !id->is_string())
      return value_error(where, "a member needs a string 'value'");
    member.value = std::string(id->get_string());
    const json::value* display = find_key_icase(*object, "display");
    if (display == nullptr) display = find_key_icase(*object, "displayName");
    if (display != nullptr && display->is_string())
      member.display = std::string(display->get_string());
  } else {
    return value_error(where, "a member must be an object with a 'value' or an id string");
  }
  if (member.value.empty()) return value_error(where, "a member id must not be empty");
  return member;
}

// Appends the ids of `value eq "id"` terms joined by `or`; false for any other shape.
bool collect_filter_ids(const Filter& filter, std::vector<MemberRef>& out) {
  switch (filter.kind) {
    case Filter::Kind::logical_or:
      return filter.children.size() == 2 && collect_filter_ids(filter.children[0], out) &&
             collect_filter_ids(filter.children[1], out);
    case Filter::Kind::compare:
      if (filter.op != CompareOp::eq || !filter.path.sub.empty() ||
          !iequals(filter.path.attr, "value") || !filter.value.is_string() ||
          filter.value.get_string().empty()) {
        return false;
      }
      out.push_back(MemberRef{std::string(filter.value.get_string()), "", ""});
      return true;
    default:
      return false;
  }
}

}  // namespace

Result<std::vector<MemberRef>> parse_member_values(const json::value& value,
                                                   std::string_view where) {
  std::vector<MemberRef> members;
  if (const json::array* list = value.if_array()) {
    members.reserve(list->size());
    for (const json::value& entry : *list) {
      SCIMD_ASSIGN_OR_RETURN(MemberRef member, parse_member(entry, where));
      members.push_back(std::move(member));
    }
    return members;
  }
  SCIMD_ASSIGN_OR_RETURN(MemberRef member, parse_member(value, where));
  members.push_back(std::move(member));
  return members;
}

Result<std::vector<MemberRef>> member_ids_from_filter(const Filter& filter,
                                                      std::string_view where) {
  std::vector<MemberRef> ids;
  if (!collect_filter_ids(filter, ids)) {
    return make_error(Errc::invalid_path,
                      "'" + std::string(where) +
                          "': unsupported filter on members; use value eq \"id\" (joined by or)");
  }
  return ids;
}

Result<std::optional<MemberOp>> member_op(PatchOpKind op, const std::optional<Filter>& filter,
                                          const json::value* value, std::string_view where) {
  const bool has_value = value != nullptr && !value->is_null();
  if (filter.has_value()) {
    if (op != PatchOpKind::remove) {
      return make_error(
          Errc::invalid_path,
          "'" + std::string(where) + "': a filter on members is supported only for remove");
    }
    SCIMD_ASSIGN_OR_RETURN(auto ids, member_ids_from_filter(*filter, where));
    return std::optional<MemberOp>(MemberOp{MemberOp::Kind::remove, std::move(ids)});
  }

  std::vector<MemberRef> members;
  if (has_value) {
    SCIMD_ASSIGN_OR_RETURN(members, parse_member_values(*value, where));
  }
  switch (op) {
    case PatchOpKind::add:
      if (members.empty()) return std::optional<MemberOp>();
      return std::optional<MemberOp>(MemberOp{MemberOp::Kind::add, std::move(members)});
    case PatchOpKind::replace:
      return std::optional<MemberOp>(MemberOp{MemberOp::Kind::replace_all, std::move(members)});
    case PatchOpKind::remove:
      // RFC: remove without value clears the attribute. Entra's value list names the members
      // to remove; an empty list removes nobody.
      if (!has_value) return std::optional<MemberOp>(MemberOp{MemberOp::Kind::remove_all, {}});
      if (members.empty()) return std::optional<MemberOp>();
      return std::optional<MemberOp>(MemberOp{MemberOp::Kind::remove, std::move(members)});
  }
  return std::optional<MemberOp>();
}

}  // namespace scimd::scim
