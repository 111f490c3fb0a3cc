-- One login attempt, checked and counted in one step so that parallel guesses cannot pass a limit:
-- an admitted attempt counts as a failure at once, and login-succeeded.lua takes it back.
-- KEYS  [1] failures of this email from this client IP (a window opened by the first one)
--       [2] failures of this email from every IP: hash {count, last} (last: time of the latest, ms)
--       [3] present while this IP is one the email has logged in from (exempt from the email's delays)
-- ARGV  [1] failures allowed per email and IP, [2] their window (ms), [3] email failures before delays,
--       [4] first delay (ms), [5] longest delay (ms), [6] how long the email's count outlives its latest failure (ms)
-- Returns 0 when the attempt may go on, else the milliseconds to wait.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)

if tonumber(redis.call('GET', KEYS[1]) or '0') >= tonumber(ARGV[1]) then
  return math.max(redis.call('PTTL', KEYS[1]), 1)
end

local email_failures = tonumber(redis.call('HGET', KEYS[2], 'count') or '0')
local threshold = tonumber(ARGV[3])
if email_failures >= threshold and redis.call('EXISTS', KEYS[3]) == 0 then
  -- Each failure beyond the threshold doubles the wait after it, up to the longest delay.
  local delay = math.min(tonumber(ARGV[4]) * 2 ^ (email_failures - threshold), tonumber(ARGV[5]))
  local wait = tonumber(redis.call('HGET', KEYS[2], 'last') or '0') + delay - now
  if wait > 0 then
    return math.ceil(wait)
  end
end

if redis.call('INCR', KEYS[1]) == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
redis.call('HSET', KEYS[2], 'count', email_failures + 1, 'last', now)
redis.call('PEXPIRE', KEYS[2], ARGV[6])
return 0
