-- Takes one conversation creation from a user's budget (GCRA, shared by every replica): a burst of
-- `limit`, then one every `interval`. A refused creation takes nothing.
-- KEYS  [1] the user's budget (its theoretical arrival time, ms)
-- ARGV  [1] emission interval (ms: period / limit), [2] limit
-- Returns 0 when the creation may go on, else the milliseconds to wait.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1])
local tat = math.max(tonumber(redis.call('GET', KEYS[1]) or now), now)
local allow_at = tat + interval - interval * tonumber(ARGV[2])
if allow_at > now then
  return allow_at - now
end
redis.call('SET', KEYS[1], string.format('%d', tat + interval), 'PX', tat + interval - now)
return 0
