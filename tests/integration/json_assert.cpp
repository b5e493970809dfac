#include "integration/json_assert.h"

#include <vector>

namespace scimd::itest {
namespace {

std::string kind_name(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null:
      return "null";
    case json::kind::bool_:
      return "bool";
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_:
      return "number";
    case json::kind::string:
      return "string";
    case json::kind::array:
      return "array";
    case json::kind::object:
      return "object";
  }
  return "?";
}

}  // namespace

std::string json_diff(const json::value& expected, const json::value& actual,
                      const std::string& where) {
  if (expected.is_number() && actual.is_number()) {
    boost::system::error_code ec1, ec2;
    const double e = expected.to_number<double>(ec1);
    const double a = actual.to_number<double>(ec2);
    if (!ec1 && !ec2 && e == a) return "";
    return where + ": expected " + json::serialize(expected) + ", got " + json::serialize(actual) +
           "\n";
  }
  if (expected.kind() != actual.kind()) {
    return where + ": expected " + kind_name(expected) + " " + json::serialize(expected) +
           ", got " + kind_name(actual) + " " + json::serialize(actual) + "\n";
  }
  std::string out;
  if (expected.is_object()) {
    const json::object& e = expected.get_object();
    const json::object& a = actual.get_object();
    for (const auto& member : e) {
      const std::string sub = where + "." + std::string(member.key());
      const auto it = a.find(member.key());
      if (it == a.end()) {
        out += sub + ": missing (expected " + json::serialize(member.value()) + ")\n";
      } else {
        out += json_diff(member.value(), it->value(), sub);
      }
    }
    for (const auto& member : a) {
      if (!e.contains(member.key())) {
        out += where + "." + std::string(member.key()) + ": unexpected " +
               json::serialize(member.value()) + "\n";
      }
    }
    return out;
  }
  if (expected.is_array()) {
    const json::array& e = expected.get_array();
    const json::array& a = actual.get_array();
    if (e.size() != a.size()) {
      return where + ": expected " + std::to_string(e.size()) + " elements " +
             json::serialize(expected) + ", got " + std::to_string(a.size()) + " " +
             json::serialize(actual) + "\n";
    }
    for (std::size_t i = 0; i < e.size(); ++i) {
      out += json_diff(e[i], a[i], where + "[" + std::to_string(i) + "]");
    }
    return out;
  }
  if (expected != actual) {
    return where + ": expected " + json::serialize(expected) + ", got " + json::serialize(actual) +
           "\n";
  }
  return "";
}

::testing::AssertionResult JsonEqual(const json::value& expected, const json::value& actual) {
  const std::string diff = json_diff(expected, actual);
  if (diff.empty()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "JSON differs:\n"
                                       << diff << "expected: " << json::serialize(expected)
                                       << "\nactual:   " << json::serialize(actual);
}

::testing::AssertionResult IsScimError(const HttpResponse& response, int status,
                                       std::string_view scim_type) {
  auto fail = [&]() {
    return ::testing::AssertionFailure()
           << "expected SCIM error " << status << (scim_type.empty() ? "" : " ") << scim_type
           << ", got " << response.describe() << "\n  ";
  };
  if (response.status != status) return fail() << "wrong status";
  const std::string content_type = response.header("content-type");
  if (content_type.find("application/scim+json") != 0) {
    return fail() << "Content-Type is '" << content_type << "'";
  }
  const json::value body = response.json();
  if (!body.is_object()) return fail() << "body is not a JSON object";
  if (!has_schema(body, kErrorSchema)) return fail() << "schemas lacks the Error URN";
  const json::value* status_field = field(body, "status");
  if (status_field == nullptr || !status_field->is_string() ||
      status_field->get_string() != std::to_string(status)) {
    return fail() << "\"status\" must be the string \"" << status << "\"";
  }
  if (string_field(body, "detail").empty()) return fail() << "\"detail\" is empty or missing";
  if (!scim_type.empty() && string_field(body, "scimType") != scim_type) {
    return fail() << "wrong scimType";
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult IsListResponse(const HttpResponse& response,
                                          std::int64_t total_results) {
  auto fail = [&]() {
    return ::testing::AssertionFailure()
           << "expected a ListResponse"
           << (total_results >= 0 ? " with totalResults " + std::to_string(total_results) : "")
           << ", got " << response.describe() << "\n  ";
  };
  if (response.status != 200) return fail() << "wrong status";
  if (response.header("content-type").find("application/scim+json") != 0) {
    return fail() << "Content-Type is '" << response.header("content-type") << "'";
  }
  const json::value body = response.json();
  if (!body.is_object()) return fail() << "body is not a JSON object";
  if (!has_schema(body, kListSchema)) return fail() << "schemas lacks the ListResponse URN";
  for (const std::string_view key : {"totalResults", "startIndex", "itemsPerPage"}) {
    const json::value* v = field(body, key);
    if (v == nullptr || !(v->is_int64() || v->is_uint64())) {
      return fail() << key << " must be a JSON integer";
    }
  }
  const json::value* resources = field(body, "Resources");
  if (resources == nullptr || !resources->is_array()) {
    return fail() << "Resources must be present and an array";
  }
  if (static_cast<std::int64_t>(resources->get_array().size()) != int_field(body, "itemsPerPage")) {
    return fail() << "itemsPerPage differs from the number of Resources";
  }
  if (total_results >= 0 && int_field(body, "totalResults") != total_results) {
    return fail() << "wrong totalResults";
  }
  return ::testing::AssertionSuccess();
}

const json::value* field(const json::value& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  return object.get_object().if_contains(key);
}

std::string string_field(const json::value& object, std::string_view key) {
  const json::value* v = field(object, key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : "";
}

std::int64_t int_field(const json::value& object, std::string_view key, std::int64_t fallback) {
  const json::value* v = field(object, key);
  if (v == nullptr) return fallback;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) return static_cast<std::int64_t>(v->get_uint64());
  return fallback;
}

std::set<std::string> values_of(const json::value& object, std::string_view key) {
  std::set<std::string> values;
  const json::value* array = field(object, key);
  if (array == nullptr || !array->is_array()) return values;
  for (const json::value& element : array->get_array())
    values.insert(string_field(element, "value"));
  return values;
}

std::vector<std::string> resource_ids(const json::value& list_response) {
  std::vector<std::string> ids;
  const json::value* resources = field(list_response, "Resources");
  if (resources == nullptr || !resources->is_array()) return ids;
  for (const json::value& resource : resources->get_array()) {
    ids.push_back(string_field(resource, "id"));
  }
  return ids;
}

bool has_schema(const json::value& resource, std::string_view urn) {
  const json::value* schemas = field(resource, "schemas");
  if (schemas == nullptr || !schemas->is_array()) return false;
  for (const json::value& schema : schemas->get_array()) {
    if (schema.is_string() && schema.get_string() == urn) return true;
  }
  return false;
}

}  // namespace scimd::itest
