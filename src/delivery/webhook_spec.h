// A webhook endpoint as the admin API receives it: {"url": "...", "events": ["user.created", ...]}
// (events optional: all types). Validation and secret generation live here, beside the
// dispatcher that uses them.
#pragma once

#include <string>

#include <boost/json.hpp>

#include "core/result.h"
#include "store/records.h"

namespace scimd::delivery {

// "whsec_" + base64 of 24 random bytes (Standard Webhooks' secret form).
std::string new_webhook_secret();

// Validates a create body and returns the spec to store (url, events, a new secret).
// Errors (invalid_value, naming the problem): not an object, unknown key, url missing or not
// an absolute http(s) URL with a host, events not an array of known event type names (the
// detail lists the known ones), duplicates.
Result<store::Webhook> parse_webhook_spec(const boost::json::value& body);

// An endpoint as the admin API and the CLI show it: everything but the secret (which only the
// create answer carries); `tenant` when known.
boost::json::object webhook_json(const store::Webhook& webhook);

}  // namespace scimd::delivery
