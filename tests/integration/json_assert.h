// JSON assertions for the integration tests: precise comparison with a readable difference,
// and the shapes every SCIM reply must have (Error, ListResponse).
#pragma once

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "integration/http_client.h"

namespace scimd::itest {

inline constexpr std::string_view kUserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";
inline constexpr std::string_view kGroupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group";
inline constexpr std::string_view kEnterpriseSchema =
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
inline constexpr std::string_view kErrorSchema = "urn:ietf:params:scim:api:messages:2.0:Error";
inline constexpr std::string_view kListSchema =
    "urn:ietf:params:scim:api:messages:2.0:ListResponse";

// Where `actual` differs from `expected` ("" when equal), one line per difference, naming
// the JSON path. Objects compare by key set (order-free), arrays in order, numbers by value.
std::string json_diff(const json::value& expected, const json::value& actual,
                      const std::string& where = "$");

::testing::AssertionResult JsonEqual(const json::value& expected, const json::value& actual);

// `response` is a SCIM Error: the status, Content-Type application/scim+json, and a body
// with the Error schema, "status" as a string equal to the HTTP status, a non-empty detail,
// and `scim_type` when one is given.
::testing::AssertionResult IsScimError(const HttpResponse& response, int status,
                                       std::string_view scim_type = "");

// `response` is 200 with a ListResponse whose integer totalResults equals `total_results`
// (any total when negative), with integer startIndex/itemsPerPage and a Resources array of
// itemsPerPage elements.
::testing::AssertionResult IsListResponse(const HttpResponse& response,
                                          std::int64_t total_results = -1);

// Field access that never throws: the member, or nullptr when absent or not an object.
const json::value* field(const json::value& object, std::string_view key);
std::string string_field(const json::value& object, std::string_view key);
std::int64_t int_field(const json::value& object, std::string_view key, std::int64_t fallback = -1);

// The "value" of every element of the array `object[key]`.
std::set<std::string> values_of(const json::value& object, std::string_view key);
// The "id" of every element of a ListResponse's Resources.
std::vector<std::string> resource_ids(const json::value& list_response);
// Whether the array object["schemas"] contains `urn`.
bool has_schema(const json::value& resource, std::string_view urn);

}  // namespace scimd::itest
