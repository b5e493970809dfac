#include "api/bulk.h"

#include <map>
#include <set>

#include <boost/json.hpp>

#include "api/error_response.h"
#include "api/json_response.h"
#include "api/route.h"
#include "core/text.h"

namespace scimd::api {

namespace json = boost::json;

namespace {

constexpr std::string_view kBulkIdPrefix = "bulkId:";

struct Operation {
  std::string method;
  std::string path;
  std::string bulk_id;
  std::string version;
  const json::value* data = nullptr;
};

// Replaces every "bulkId:x" string with the id created for x. Returns false (and leaves the
// value half-replaced, which the caller discards) when some x has no id yet.
bool resolve_bulk_ids(json::value& v, const std::map<std::string, std::string>& ids,
                      std::string* missing) {
  if (v.is_string()) {
    const std::string_view s = v.as_string();
    if (s.size() > kBulkIdPrefix.size() && s.substr(0, kBulkIdPrefix.size()) == kBulkIdPrefix) {
      const auto it = ids.find(std::string(s.substr(kBulkIdPrefix.size())));
      if (it == ids.end()) {
        *missing = std::string(s.substr(kBulkIdPrefix.size()));
        return false;
      }
      v = it->second;
    }
    return true;
  }
  if (v.is_array()) {
    for (auto& e : v.as_array()) {
      if (!resolve_bulk_ids(e, ids, missing)) return false;
    }
  } else if (v.is_object()) {
    for (auto& [k, e] : v.as_object()) {
      if (!resolve_bulk_ids(e, ids, missing)) return false;
    }
  }
  return true;
}

std::string header_of(const Response& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (iequals(k, name)) return v;
  }
  return {};
}

json::object error_result(const Operation& op, const Error& e) {
  json::object out;
  out["method"] = op.method;
  if (!op.bulk_id.empty()) out["bulkId"] = op.bulk_id;
  out["status"] = std::to_string(http_status(e.code));
  const Response r = error_response(e);
  out["response"] = json::parse(r.body);
  return out;
}

}  // namespace

Response handle_bulk(const ResourceContext& ctx, const Request& request) {
  if (request.method != "POST") {
    return method_not_allowed(request.method, "POST");
  }
  if (static_cast<std::int64_t>(request.body.size()) > ctx.caps.max_payload_bytes) {
    return error_response(make_error(
        Errc::payload_too_large, "the request has " + std::to_string(request.body.size()) +
                                     " bytes; maxPayloadSize is " + std::to_string(ctx.caps.max_payload_bytes)));
  }
  auto body = parse_json_body(request.body);
  if (!body.ok()) return error_response(body.error());
  if (!body->is_object()) {
    return error_response(make_error(Errc::invalid_syntax, "a BulkRequest must be a JSON object"));
  }
  const json::object& o = body->as_object();
  const json::value* ops_value = find_member(o, "Operations");
  if (ops_value == nullptr || !ops_value->is_array()) {
    return error_response(make_error(Errc::invalid_syntax, "a BulkRequest needs an 'Operations' array"));
  }
  const json::array& raw_ops = ops_value->as_array();
  if (static_cast<std::int64_t>(raw_ops.size()) > ctx.caps.bulk_max_operations) {
    return error_response(make_error(
        Errc::payload_too_large, "the request has " + std::to_string(raw_ops.size()) +
                                     " operations; maxOperations is " + std::to_string(ctx.caps.bulk_max_operations)));
  }
  std::int64_t fail_on_errors = 0;  // 0: run every operation
  if (const json::value* f = find_member(o, "failOnErrors"); f != nullptr) {
    if (!f->is_int64() || f->as_int64() < 1) {
      return error_response(make_error(Errc::invalid_value, "'failOnErrors' must be a positive integer"));
    }
    fail_on_errors = f->as_int64();
  }

  std::vector<Operation> ops;
  std::set<std::string> seen_bulk_ids;
  for (const auto& raw : raw_ops) {
    if (!raw.is_object()) {
      return error_response(make_error(Errc::invalid_syntax, "each operation must be an object"));
    }
    Operation op;
    op.method = string_member(raw.as_object(), "method");
    for (char& c : op.method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    op.path = string_member(raw.as_object(), "path");
    op.bulk_id = string_member(raw.as_object(), "bulkId");
    op.version = string_member(raw.as_object(), "version");
    op.data = find_member(raw.as_object(), "data");
    if (op.method != "POST" && op.method != "PUT" && op.method != "PATCH" && op.method != "DELETE") {
      return error_response(make_error(Errc::invalid_syntax, "operation method '" + op.method + "' is not POST, PUT, PATCH or DELETE"));
    }
    if (op.method == "POST" && op.bulk_id.empty()) {
      return error_response(make_error(Errc::invalid_syntax, "a POST operation needs a 'bulkId'"));
    }
    if (!op.bulk_id.empty() && !seen_bulk_ids.insert(op.bulk_id).second) {
      return error_response(make_error(Errc::invalid_syntax, "bulkId '" + op.bulk_id + "' is used twice"));
    }
    ops.push_back(std::move(op));
  }

  // Operations run in order; one that refers to a bulkId created later waits for it
  // (RFC 7644 §3.7.2 allows forward references). Each pass must make progress.
  std::map<std::string, std::string> created_ids;
  std::vector<std::optional<json::object>> results(ops.size());
  std::vector<std::size_t> pending(ops.size());
  for (std::size_t i = 0; i < ops.size(); ++i) pending[i] = i;
  std::int64_t errors = 0;
  bool stopped = false;
  while (!pending.empty() && !stopped) {
    std::vector<std::size_t> deferred;
    std::map<std::size_t, std::string> missing_of;
    for (const std::size_t i : pending) {
      if (stopped) break;
      const Operation& op = ops[i];
      // The path's last segment may be a reference too: "/Users/bulkId:u1".
      const std::size_t slash = op.path.rfind('/');
      json::value path_value(slash == std::string::npos ? op.path : op.path.substr(slash + 1));
      json::value data = op.data ? *op.data : json::value();
      std::string missing;
      if (!resolve_bulk_ids(path_value, created_ids, &missing) ||
          !resolve_bulk_ids(data, created_ids, &missing)) {
        deferred.push_back(i);
        missing_of[i] = missing;
        continue;
      }
      Request sub;
      sub.method = op.method;
      sub.target = (slash == std::string::npos ? std::string() : op.path.substr(0, slash + 1)) +
                   std::string(path_value.as_string());
      sub.request_id = request.request_id;
      if (op.method != "DELETE") sub.body = json::serialize(data);
      if (!op.version.empty()) sub.headers.emplace_back("if-match", op.version);
      Response r;
      auto target = parse_target(sub.target);
      std::optional<scim::ResourceKind> kind;
      if (target.ok() && !target->segments.empty()) {
        if (iequals(target->segments[0], "Users")) kind = scim::ResourceKind::user;
        if (iequals(target->segments[0], "Groups")) kind = scim::ResourceKind::group;
      }
      const std::size_t segs = target.ok() ? target->segments.size() : 0;
      const bool valid_shape = kind && ((op.method == "POST" && segs == 1) ||
                                        (op.method != "POST" && segs == 2));
      if (!valid_shape) {
        results[i] = error_result(op, make_error(Errc::invalid_path, "operation path '" + op.path + "' is not /Users, /Groups or one of their resources"));
        ++errors;
      } else {
        std::optional<std::string_view> id;
        if (segs == 2) id = target->segments[1];
        r = handle_resource(ctx, *kind, id, sub, *target);
        json::object out;
        out["method"] = op.method;
        if (!op.bulk_id.empty()) out["bulkId"] = op.bulk_id;
        out["status"] = std::to_string(r.status);
        if (r.status >= 400) {
          out["response"] = json::parse(r.body);
          ++errors;
        } else {
          std::string location = header_of(r, "Location");
          if (location.empty()) {
            location = ctx.base_url + "/" + std::string(target->segments[0]) + "/" + std::string(*id);
          }
          if (!location.empty()) out["location"] = location;
          if (const auto etag = header_of(r, "ETag"); !etag.empty()) out["version"] = etag;
          if (op.method == "POST") {
            const json::value created = json::parse(r.body);
            created_ids[op.bulk_id] = std::string(created.at("id").as_string());
          }
        }
        results[i] = std::move(out);
      }
      if (fail_on_errors > 0 && errors >= fail_on_errors) stopped = true;
    }
    if (deferred.size() == pending.size()) {
      // No progress: the rest refer to bulkIds that failed or never come.
      for (const std::size_t i : deferred) {
        // RFC 7644 §3.7.2: an unresolvable (e.g. circular) reference is a 409 Conflict.
        json::object r = error_result(ops[i], make_error(Errc::invalid_value,
                                      "bulkId '" + missing_of[i] + "' does not name a resource created in this request"));
        r["status"] = "409";
        r["response"].as_object()["status"] = "409";
        results[i] = std::move(r);
        ++errors;
      }
      break;
    }
    pending = std::move(deferred);
  }

  json::array out_ops;
  for (auto& r : results) {
    if (r) out_ops.emplace_back(std::move(*r));
  }
  json::object out;
  out["schemas"] = json::array{scim::urn::kBulkResponse};
  out["Operations"] = std::move(out_ops);
  return json_response(200, out);
}

}  // namespace scimd::api
