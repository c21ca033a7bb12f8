-- wrk script for the ingestion benchmark: each thread replays its own file of pre-signed requests
-- (bench/webhook/gen_bodies.py), in order, never repeating one unless it runs out (then it says so).
local counter = 0
local threads = {}

function setup(thread)
  thread:set("id", counter)
  table.insert(threads, thread)
  counter = counter + 1
end

function init(args)
  local prefix = args[1]
  requests = {}
  for line in io.lines(prefix .. "." .. id) do
    local tab = line:find("\t", 1, true)
    local sig = line:sub(1, tab - 1)
    local body = line:sub(tab + 1)
    requests[#requests + 1] = wrk.format("POST", "/webhook",
      { ["Content-Type"] = "application/json", ["X-Hub-Signature-256"] = sig }, body)
  end
  index = 0
  wrapped = 0
end

function request()
  index = index + 1
  if index > #requests then
    index = 1
    wrapped = wrapped + 1
  end
  return requests[index]
end

function done(summary, latency, requests_)
  for _, t in ipairs(threads) do
    local w = t:get("wrapped")
    if w and w > 0 then
      io.write(string.format("WARNING: thread %d replayed its requests %d time(s): duplicates\n", t:get("id"), w))
    end
  end
end

-- WRK_DELAY_MS=N: each connection waits N ms before each request (a paced load, as Meta's is, instead of
-- as many as the service can take). Unset: no wait, the throughput runs of run.sh.
local pace = tonumber(os.getenv("WRK_DELAY_MS") or "")
if pace and pace > 0 then
  function delay()
    return pace
  end
end
