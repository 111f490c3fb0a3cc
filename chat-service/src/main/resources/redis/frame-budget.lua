-- Takes `cost` frames from one user's budget of client frames (GCRA), shared by all their sockets on
-- every replica. Times are in microseconds, so that even high rates have a whole emission interval.
-- KEYS[1] the user's theoretical arrival time
-- ARGV[1] emission interval (µs per frame)  ARGV[2] burst (frames)  ARGV[3] cost (frames)
-- Returns 1 when the frames were taken, 0 when the budget is spent (nothing is taken then).
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then
  tat = now
end
local new_tat = tat + interval * tonumber(ARGV[3])
if new_tat - interval * tonumber(ARGV[2]) > now then
  return 0
end
redis.call('SET', KEYS[1], string.format('%d', new_tat), 'PX', math.ceil((new_tat - now) / 1000))
return 1
