-- Appends one chat message atomically: history, idempotency, unread counters, activity, fan-out.
-- Because Redis runs a script as one step, the order of XADD is the order of PUBLISH: every
-- replica's subscribers see messages of a conversation in exactly the history order.
--
-- KEYS[1] history stream    KEYS[2] unread hash (user -> count)
-- KEYS[3] idempotency key ('' when the message has no client_id)    KEYS[4] activity sorted set
-- ARGV[1] conversation id  ARGV[2] sender id  ARGV[3] sender name  ARGV[4] sender email
-- ARGV[5] content  ARGV[6] client_id or ''  ARGV[7] max messages kept  ARGV[8] oldest id kept (ms)
-- ARGV[9] idempotency window (s)  ARGV[10] retention (ms)  ARGV[11] fan-out channel
-- ARGV[12..] participant ids
-- Returns {'new', message JSON}, or {'dup', id of the original message} (the idempotency key holds only
-- the id: the message itself stays in the stream, under its caps).
local idempotency = KEYS[3]
if idempotency ~= '' then
  local original = redis.call('GET', idempotency)
  if original then
    return {'dup', original}
  end
end

local fields = {'sender_id', ARGV[2], 'sender_name', ARGV[3], 'sender_email', ARGV[4], 'content', ARGV[5]}
if ARGV[6] ~= '' then
  fields[#fields + 1] = 'client_id'
  fields[#fields + 1] = ARGV[6]
end
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[7], '*', unpack(fields))
redis.call('XTRIM', KEYS[1], 'MINID', '~', ARGV[8])
-- A conversation that goes quiet still loses its history once the newest message is too old.
redis.call('PEXPIRE', KEYS[1], ARGV[10])

local ms = tonumber(string.match(id, '^(%d+)-'))
local message = cjson.encode({
  id = id,
  conversation_id = ARGV[1],
  sender_id = tonumber(ARGV[2]),
  sender_name = ARGV[3],
  sender_email = ARGV[4],
  content = ARGV[5],
  client_id = (ARGV[6] ~= '' and ARGV[6]) or cjson.null,
  timestamp_ms = ms
})
if idempotency ~= '' then
  redis.call('SET', idempotency, id, 'EX', ARGV[9])
end
for i = 12, #ARGV do
  if ARGV[i] ~= ARGV[2] then
    redis.call('HINCRBY', KEYS[2], ARGV[i], 1)
  end
end
redis.call('ZADD', KEYS[4], ms, ARGV[1])
-- The envelope of a stored message, 'M' + its JSON (the protocol's envelopes: realtime/Envelope.java).
redis.call('PUBLISH', ARGV[11], 'M' .. message)
return {'new', message}
