-- A login admitted by login-attempt.lua succeeded: take back the failure counted for it, forget this
-- IP's failures for the email, and remember the IP as one the email logs in from.
-- KEYS  as login-attempt.lua
-- ARGV  [1] how long the IP stays known (ms)
redis.call('DEL', KEYS[1])
if tonumber(redis.call('HGET', KEYS[2], 'count') or '0') > 0 then
  redis.call('HINCRBY', KEYS[2], 'count', -1)
end
redis.call('SET', KEYS[3], '1', 'PX', ARGV[1])
return 0
