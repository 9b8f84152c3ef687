-- wrk: POST /question with a different question each time (a counter per wrk thread), so an answer
-- cache never hits: what CACHE_TTL_SECONDS costs on a miss (look-up, one provider call, store).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-API-Key"] = "bench-client-key"

local thread_id = 0
local counter = 0

function setup(thread)
  thread_id = thread_id + 1
  thread:set("id", thread_id)
end

function init(args)
  -- Each wrk process numbers from its start time (a million per second of headroom), so a later run
  -- does not hit answers a shared Redis cache kept from the run before.
  counter = (os.time() % 100000) * 1000000
end

function request()
  counter = counter + 1
  return wrk.format(nil, nil, nil, string.format('{"text":"Question %d-%d about the capital of France?"}', id, counter))
end
