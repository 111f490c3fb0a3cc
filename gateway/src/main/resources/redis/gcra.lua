-- Generic cell rate algorithm: one atomic decision per request, shared by every gateway replica.
-- Times are in microseconds, so that even high limits have a whole emission interval.
-- KEYS[1] the limited subject (rule + user or IP)
-- ARGV[1] emission interval in µs (period / limit)   ARGV[2] limit (the burst allowed at once)
-- Returns {allowed 0|1, remaining, retry_after_ms, reset_ms}.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then
  tat = now
end
local new_tat = tat + interval
local allow_at = new_tat - interval * limit
if allow_at > now then
  return {0, 0, math.ceil((allow_at - now) / 1000), math.ceil((tat - now) / 1000)}
end
redis.call('SET', KEYS[1], string.format('%d', new_tat), 'PX', math.ceil((new_tat - now) / 1000))
return {1, math.floor((now - allow_at) / interval), 0, math.ceil((new_tat - now) / 1000)}
