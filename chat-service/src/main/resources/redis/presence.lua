-- Presence in one conversation: a sorted set of "<user id>|<socket id>" members, each scored by
-- the time (ms) its lease ends. Replicas renew the leases of their open sockets; the sockets of a
-- replica that died stop being renewed and expire, so nobody stays "online" for ever.
-- Every call first removes expired leases and reports their users that have no live socket left.
--
-- KEYS[1]  the presence set
-- ARGV[1]  now (ms)      ARGV[2] lease (ms)      ARGV[3] join | leave | renew
-- ARGV[4..] socket members (join and leave: exactly one)
--
-- Returns { changed, gone, users }:
--   join:  changed = 1 when it is the user's first live socket; users = everyone online now
--   leave: changed = 1 when it was the user's last live socket
--   renew: users = those whose lease had lapsed (a long pause) and who are back online
--   gone:  users whose last lease expired in this call
local key = KEYS[1]
local now, lease, op = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]

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

local changed, users = 0, {}
if op == 'join' then
  local user = user_of(ARGV[4])
  if not live[user] then
    changed = 1
  end
  redis.call('ZADD', key, now + lease, ARGV[4])
  live[user] = true
  for u in pairs(live) do
    table.insert(users, u)
  end
elseif op == 'leave' then
  if redis.call('ZREM', key, ARGV[4]) == 1 and not live_users()[user_of(ARGV[4])] then
    changed = 1
  end
else
  for i = 4, #ARGV do
    local user = user_of(ARGV[i])
    if redis.call('ZADD', key, now + lease, ARGV[i]) == 1 and not live[user] then
      live[user] = true
      table.insert(users, user)
    end
  end
end
-- A conversation nobody is in any more leaves nothing behind.
redis.call('PEXPIRE', key, 2 * lease)
return { changed, gone, users }
