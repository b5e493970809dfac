-- wrk script (run with -t1): POST unique Entra-shaped users, userName = <prefix>0-<n>@<domain>.
-- Once LOAD_QUOTA responses are in, it prints the created count and exits the process (wrk would
-- otherwise idle until -d ends); if -d ends first, done() prints the count.
local titles = { "Engineer", "Sales Manager", "Accountant", "Designer", "Support Agent",
                 "Product Manager", "Sales Rep", "Recruiter", "Analyst", "Legal Counsel" }
local threads = {}
local next_id = 0

function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  n = 0
  seen = 0
  created = 0
  quota = tonumber(os.getenv("LOAD_QUOTA") or "1000")
  prefix = os.getenv("LOAD_PREFIX") or "u"
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/scim+json"
end

function request()
  local i = n
  n = n + 1
  local user = string.format("%s%d-%d", prefix, tid, i)
  -- 1 in 10 title is Engineer (the only one containing "eng"); 1 in 20 inactive; 1 in 4 mail
  -- domain is example.org, so the complex filter's email clause also rejects some.
  local title = titles[(i % #titles) + 1]
  local active = (i % 20 ~= 7) and "true" or "false"
  local domain = (i % 4 == 3) and "example.org" or "example.com"
  local mail = user .. "@" .. domain
  local body = '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User",' ..
    '"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],' ..
    '"externalId":"ext-' .. user .. '","userName":"' .. mail .. '","active":' .. active .. ',' ..
    '"displayName":"User ' .. user .. '","name":{"formatted":"User ' .. user ..
    '","familyName":"Family' .. i .. '","givenName":"User"},' ..
    '"emails":[{"primary":true,"type":"work","value":"' .. mail .. '"}],' ..
    '"title":"' .. title .. '",' ..
    '"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Dept' ..
    (i % 50) .. '"}}'
  return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
  seen = seen + 1
  if status == 201 then created = created + 1 end
  if seen >= quota then
    io.write(string.format("LOAD_CREATED %d\n", created))
    io.flush()
    os.exit(0)
  end
end

function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do total = total + (t:get("created") or 0) end
  io.write(string.format("LOAD_CREATED %d\n", total))
end
