-- Takes `cost` units from a budget shared by every replica (GCRA): a burst of `burst` units, then one
-- every `interval`. Used for a user's WebSocket frames and for their conversation creations. Times are
-- in microseconds, so that even high rates have a whole emission interval. A refusal takes nothing.
-- KEYS[1] the budget's theoretical arrival time (µs)
-- ARGV[1] emission interval (µs per unit)  ARGV[2] burst (units)  ARGV[3] cost (units)
-- Returns 0 when the units were taken, else the microseconds to wait before they could be.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local tat = math.max(tonumber(redis.call('GET', KEYS[1]) or now), now)
local new_tat = tat + interval * tonumber(ARGV[3])
local allow_at = new_tat - interval * tonumber(ARGV[2])
if allow_at > now then
  return allow_at - now
end
redis.call('SET', KEYS[1], string.format('%d', new_tat), 'PX', math.ceil((new_tat - now) / 1000))
return 0
