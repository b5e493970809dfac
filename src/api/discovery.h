// Discovery endpoints (RFC 7644 §4): /ServiceProviderConfig, /ResourceTypes, /Schemas.
#pragma once

#include <optional>
#include <string_view>

#include "api/request.h"

namespace scimd::api {

struct Capabilities {
  std::int64_t default_page_size = 100;
  std::int64_t max_page_size = 1000;
  std::int64_t bulk_max_operations = 1000;
  std::int64_t max_payload_bytes = 1 << 20;  // the HTTP body limit
};

Response service_provider_config(std::string_view base_url, const Capabilities& caps);
// All resource types as a ListResponse, or one by name (404 if unknown).
Response resource_types(std::string_view base_url, std::optional<std::string_view> name);
// All schemas as a ListResponse, or one by URN (404 if unknown).
Response schemas(std::string_view base_url, std::optional<std::string_view> id);

}  // namespace scimd::api
