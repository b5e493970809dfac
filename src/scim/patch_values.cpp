#include "scim/patch_values.h"

#include "core/text.h"
#include "scim/resource.h"

namespace scimd::scim {

namespace json = boost::json;

bool is_primary(const json::value& element) {
  const json::object* object = element.if_object();
  if (object == nullptr) return false;
  const auto it = object->find(kPrimary);
  return it != object->end() && it->value().is_bool() && it->value().get_bool();
}

void clear_other_primaries(json::array& values, std::size_t keep) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i == keep) continue;
    if (json::object* object = values[i].if_object()) object->erase(kPrimary);
  }
}

void keep_first_primary(json::array& values, const std::vector<std::size_t>& indices) {
  for (const std::size_t i : indices) {
    if (i < values.size() && is_primary(values[i])) {
      clear_other_primaries(values, i);
      return;
    }
  }
}

std::vector<std::size_t> all_indices(const json::array& values) {
  std::vector<std::size_t> indices(values.size());
  for (std::size_t i = 0; i < indices.size(); ++i) indices[i] = i;
  return indices;
}

void merge_complex(json::object& target, const json::object& incoming) {
  const auto old_id = target.find("value");
  const auto new_id = incoming.find("value");
  if (old_id != target.end() && new_id != incoming.end() && old_id->value() != new_id->value()) {
    target = incoming;
    return;
  }
  for (const auto& entry : incoming) {
    if (entry.value().is_null()) {
      target.erase(entry.key());
    } else {
      target[entry.key()] = entry.value();
    }
  }
}

AttributeDef element_def(const AttributeDef& def) {
  AttributeDef element = def;
  element.multi_valued = false;
  return element;
}

void coerce_filter_booleans(const AttributeDef& attr, Filter& filter) {
  if (filter.kind == Filter::Kind::compare && filter.value.is_string()) {
    const AttributeDef* sub = attr.find_sub(filter.path.attr);
    if (sub != nullptr && sub->type == AttrType::boolean) {
      const std::string_view text = filter.value.get_string();
      if (iequals(text, "true")) filter.value = true;
      if (iequals(text, "false")) filter.value = false;
    }
  }
  for (Filter& child : filter.children) coerce_filter_booleans(attr, child);
}

bool element_from_filter(const AttributeDef& attr, const Filter& filter, json::object& element) {
  if (filter.kind == Filter::Kind::logical_and) {
    return filter.children.size() == 2 && element_from_filter(attr, filter.children[0], element) &&
           element_from_filter(attr, filter.children[1], element);
  }
  if (filter.kind != Filter::Kind::compare || filter.op != CompareOp::eq ||
      !filter.path.urn.empty() || !filter.path.sub.empty()) {
    return false;
  }
  const AttributeDef* sub = attr.find_sub(filter.path.attr);
  if (sub == nullptr) return false;
  element[sub->name] = filter.value;
  return true;
}

void erase_if_empty(json::object& container, std::string_view key) {
  const auto it = container.find(key);
  if (it == container.end()) return;
  const json::value& value = it->value();
  if ((value.is_object() && value.get_object().empty()) ||
      (value.is_array() && value.get_array().empty()) || value.is_null()) {
    container.erase(it);
  }
}

bool element_contains(const json::value& element, const json::value& pattern) {
  if (element == pattern) return true;
  const json::object* object = element.if_object();
  const json::object* wanted = pattern.if_object();
  if (object == nullptr || wanted == nullptr || wanted->empty()) return false;
  for (const auto& entry : *wanted) {
    const auto it = object->find(entry.key());
    if (it == object->end() || it->value() != entry.value()) return false;
  }
  return true;
}

Result<json::value> coerce_patch_value(const AttributeDef& def, const json::value& value,
                                       std::string_view where) {
  if (def.type == AttrType::complex && value.is_string()) {
    boost::system::error_code ec;
    json::value parsed = json::parse(value.get_string(), ec);
    if (!ec && (parsed.is_object() || parsed.is_array())) return coerce_value(def, parsed, where);
  }
  return coerce_value(def, value, where);
}

}  // namespace scimd::scim
