-- wrk: POST /question until the threads together have had N answers, tallying the HTTP statuses.
-- Usage: wrk -t T -c C -d <upper bound> -s post-question-count.lua URL -- [N T [FLAG]]
--   N     answers in all (each of the T threads stops after N/T); 0 or absent: run for -d
--   T     the same thread count as -t
--   FLAG  a path prefix: a thread that has had its share creates FLAG.<thread number>. wrk itself
--         still sleeps for -d, so the caller waits for T flags and sends wrk SIGINT, which ends the
--         run at once with the statistics of the time actually run (build/bench/run.sh does this).
-- Prints one line at the end: "statuses: 200=N 429=N ..." (a status tally across all threads).
wrk.method = "POST"
wrk.body = '{"text":"What is the capital of France?"}'
wrk.headers["Content-Type"] = "application/json"

local threads = {}

function setup(thread)
   table.insert(threads, thread)
   thread:set("id", #threads)
end

local limit = math.huge
local count = 0
local flag = nil
statuses = {}

function init(args)
   local total = tonumber(args[1])
   local nthreads = tonumber(args[2]) or 1
   if total and total > 0 then
      limit = math.ceil(total / nthreads)
   end
   flag = args[3]
end

function response(status, headers, body)
   statuses[status] = (statuses[status] or 0) + 1
   count = count + 1
   if count == limit then
      if flag then
         local f = io.open(flag .. "." .. id, "w")
         if f then
            f:write(count, "\n")
            f:close()
         end
      end
      wrk.thread:stop()
   end
end

function done(summary, latency, requests)
   local all = {}
   for _, thread in ipairs(threads) do
      local s = thread:get("statuses")
      for code, n in pairs(s) do
         all[code] = (all[code] or 0) + n
      end
   end
   local codes = {}
   for code in pairs(all) do
      table.insert(codes, code)
   end
   table.sort(codes)
   local parts = {}
   for _, code in ipairs(codes) do
      table.insert(parts, code .. "=" .. all[code])
   end
   io.write("statuses: " .. table.concat(parts, " ") .. "\n")
end
