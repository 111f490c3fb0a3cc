-- Presence in one conversation: a sorted set of "<user id>|<socket id>" members, each scored by
-- the time (ms, Redis' clock, so replicas' clocks do not matter) its lease ends. Replicas renew the
-- leases of their open sockets; the sockets of a replica that died stop being renewed and expire,
-- so nobody stays "online" for ever. Every call first removes expired leases and reports their
-- users that have no live socket left.
--
-- KEYS[1]   the presence set
-- ARGV[1]   lease (ms)      ARGV[2] join | leave | renew
-- ARGV[3..] socket members (join and leave: exactly one)
--
-- Returns { changed, gone, list }:
--   join:  changed = 1 when it is the user's first live socket; list = every user online now
--   leave: changed = 1 when it was the user's last live socket
--   renew: list = the members that had no lease any more (removed meanwhile, or lapsed during a
--          long pause); renewing never creates one, so a socket that just left is not brought back
--   gone:  users whose last lease expired in this call
redis.replicate_commands() -- effects replication, so that TIME may precede writes (the default since Redis 5)
local key = KEYS[1]
local lease, op = tonumber(ARGV[1]), ARGV[2]
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)

local function user_of(member)
  return string.match(member, '^([^|]*)|')
end

local function live_users()
  local users = {}
  for _, member in ipairs(redis.call('ZRANGEBYSCORE', key, '(' .. now, '+inf')) do
    users[user_of(member)] = true
  end
  return users
end

local expired = redis.call('ZRANGEBYSCORE', key, '-inf', now)
if #expired > 0 then
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
end
local live = live_users()
local gone, reported = {}, {}
for _, member in ipairs(expired) do
  local user = user_of(member)
  if not live[user] and not reported[user] then
    reported[user] = true
    table.insert(gone, user)
  end
end

local changed, list = 0, {}
if op == 'join' then
  local user = user_of(ARGV[3])
  if not live[user] then
    changed = 1
  end
  redis.call('ZADD', key, now + lease, ARGV[3])
  live[user] = true
  for u in pairs(live) do
    table.insert(list, u)
  end
elseif op == 'leave' then
  if redis.call('ZREM', key, ARGV[3]) == 1 and not live_users()[user_of(ARGV[3])] then
    changed = 1
  end
else
  for i = 3, #ARGV do
    if redis.call('ZADD', key, 'XX', 'CH', now + lease, ARGV[i]) == 0 then
      table.insert(list, ARGV[i])
    end
  end
end
-- Only a safety net for conversations nobody is in any more: expiry is the sweep's job, which
-- also tells the others (a whole key expiring would tell nobody).
redis.call('PEXPIRE', key, 86400000)
return { changed, gone, list }
