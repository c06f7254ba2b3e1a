-- wrk script: each connection waits PACE_MS milliseconds after a response before
-- sending its next request, so the offered load is fixed below saturation and the
-- measured latency is service time rather than queueing.
local pace = tonumber(os.getenv("PACE_MS") or "0")
function delay()
  return pace
end
