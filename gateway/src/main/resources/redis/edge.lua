-- The edge's whole Redis work for one request, in one round trip: is the token revoked, and may
-- the caller go on under every throttle rule that applies (GCRA, shared by every gateway replica)?
-- A request refused by one rule takes nothing from the other rules' budgets.
-- Times are in microseconds, so that even high limits have a whole emission interval.
-- KEYS  the revocation keys (ARGV[1] of them), then one key per throttle rule
-- ARGV  [1] number of revocation keys, then per rule: emission interval in µs (period / limit), limit
-- Returns {revoked 0|1, allowed 0|1, reported rule (1-based, 0 = none), remaining, retry_after_ms, reset_ms};
-- the reported rule is the refusing one (longest wait) or else the one with the fewest requests left.
local revocation_keys = tonumber(ARGV[1])
for i = 1, revocation_keys do
  if redis.call('EXISTS', KEYS[i]) == 1 then
    return {1, 0, 0, 0, 0, 0}
  end
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local refused, refused_retry, refused_reset = 0, -1, 0
local reported, reported_remaining, reported_reset = 0, -1, 0
local new_tats = {}
for rule = 1, #KEYS - revocation_keys do
  local interval = tonumber(ARGV[2 * rule])
  local limit = tonumber(ARGV[2 * rule + 1])
  local tat = tonumber(redis.call('GET', KEYS[revocation_keys + rule]) or now)
  if tat < now then
    tat = now
  end
  local new_tat = tat + interval
  local allow_at = new_tat - interval * limit
  if allow_at > now then
    if allow_at - now > refused_retry then
      refused, refused_retry, refused_reset = rule, allow_at - now, tat - now
    end
  else
    new_tats[rule] = new_tat
    local remaining = math.floor((now - allow_at) / interval)
    if reported == 0 or remaining < reported_remaining then
      reported, reported_remaining, reported_reset = rule, remaining, new_tat - now
    end
  end
end
if refused > 0 then
  return {0, 0, refused, 0, math.ceil(refused_retry / 1000), math.ceil(refused_reset / 1000)}
end
for rule, new_tat in pairs(new_tats) do
  redis.call('SET', KEYS[revocation_keys + rule], string.format('%d', new_tat), 'PX', math.ceil((new_tat - now) / 1000))
end
return {0, 1, reported, math.max(reported_remaining, 0), 0, math.ceil(reported_reset / 1000)}
