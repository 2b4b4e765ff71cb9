-- For dashboard_throughput.py: every response must be a 200 whose body holds the marker
-- given after `--` (the seller's name), so a redirect to the log-in page counts as a
-- failure (wrk itself counts only statuses over 399). Prints one JSON line at the end.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  marker = args[1] or ""
  wrong = 0
  first_wrong = ""
end

function response(status, headers, body)
  if status ~= 200 or not (body and string.find(body, marker, 1, true)) then
    wrong = wrong + 1
    if first_wrong == "" then
      first_wrong = tostring(status) .. " " .. tostring(headers["Location"] or "")
    end
  end
end

function done(summary, latency, requests)
  local bad, first = 0, ""
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("wrong")
    if first == "" then first = thread:get("first_wrong") end
  end
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "seconds": %.6f, "wrong": %d, "first_wrong": "%s", ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"p50_ms": %.3f, "p90_ms": %.3f, "p99_ms": %.3f, "max_ms": %.3f}\n',
    summary.requests, summary.duration / 1e6, bad, first,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
