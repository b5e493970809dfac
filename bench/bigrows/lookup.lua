-- wrk script: GET /Users?filter=userName eq "<one of N seeded users>", a different random user
-- on every request (so no single cached row answers), and counts non-2xx answers and answers
-- that did not find exactly one user.
-- Env: LOOKUP_N (users seeded), LOOKUP_PREFIX (the seeder's --prefix, default "s").
-- Names follow bench/seed/entra_docs.cpp: <prefix><i>@example.com, every fourth at example.org.
local threads = {}
local seed = 0
function setup(thread)
  seed = seed + 1
  thread:set("seed", seed)
  table.insert(threads, thread)
end

function init(args)
  bad = 0
  missed = 0
  n = tonumber(os.getenv("LOOKUP_N") or "10000")
  prefix = os.getenv("LOOKUP_PREFIX") or "s"
  path = wrk.path
  math.randomseed(os.time() * 100 + seed)
end

function request()
  local i = math.random(0, n - 1)
  local domain = (i % 4 == 3) and "example.org" or "example.com"
  -- filter=userName eq "<name>", URL-encoded (space %20, quote %22, @ %40)
  local q = "?filter=userName%20eq%20%22" .. prefix .. i .. "%40" .. domain .. "%22"
  return wrk.format("GET", path .. q)
end

function response(status, headers, body)
  if status >= 300 then
    bad = bad + 1
  elseif not string.find(body, '"totalResults":1[,}]') then
    missed = missed + 1
  end
end

function done(summary, latency, requests)
  local b, m = 0, 0
  for _, t in ipairs(threads) do
    b = b + (t:get("bad") or 0)
    m = m + (t:get("missed") or 0)
  end
  io.write(string.format("BAD_STATUS %d\nNOT_ONE_USER %d\n", b, m))
end
