-- wrk: POST a new user per request (unique userName per thread and request).
-- Env: TOKEN (Bearer), PREFIX (distinguishes runs on the same tenant).
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
local n = 0
local prefix = os.getenv("PREFIX") or "u"
local token = os.getenv("TOKEN") or ""
function request()
  n = n + 1
  local body = '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"' ..
      prefix .. "-" .. tid .. "-" .. n .. '"}'
  return wrk.format("POST", nil, {["Authorization"] = "Bearer " .. token,
                                  ["Content-Type"] = "application/scim+json"}, body)
end
