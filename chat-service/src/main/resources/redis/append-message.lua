-- Appends one chat message atomically: history, idempotency, unread counters, activity, fan-out.
-- Because Redis runs a script as one step, the order of XADD is the order of PUBLISH: every
-- replica's subscribers see messages of a conversation in exactly the history order.
--
-- The message's wire JSON (the API's message object) is written here, once, and nobody parses it
-- again: the frame published is what every replica writes to its sockets as it is, and the JSON
-- returned is the sender's answer. It must be byte for byte what the history page writes for the same
-- entry (message/MessageJson.java): same fields in the same order, strings escaped as Jackson escapes
-- them (not cjson, which also escapes '/'), the timestamp in seconds with three decimals. (One
-- difference, valid JSON either way: a character beyond the BMP, an emoji, is written here as its UTF-8
-- bytes, as frames always carried it, while the history page's UTF-8 writer escapes it as \uD83D\uDC4B.)
--
-- KEYS[1] history stream    KEYS[2] unread hash (user -> count)
-- KEYS[3] idempotency key ('' when the message has no client_id)    KEYS[4] activity sorted set
-- ARGV[1] conversation id  ARGV[2] sender id  ARGV[3] sender name  ARGV[4] sender email
-- ARGV[5] content  ARGV[6] client_id or ''  ARGV[7] max messages kept  ARGV[8] oldest id kept (ms)
-- ARGV[9] idempotency window (s)  ARGV[10] retention (ms)  ARGV[11] fan-out channel
-- ARGV[12..] participant ids
-- Returns {'new', id, message JSON}, or {'dup', id of the original message} (the idempotency key holds
-- only the id: the message itself stays in the stream, under its caps).

local escapes = { ['"'] = '\\"', ['\\'] = '\\\\', ['\b'] = '\\b', ['\f'] = '\\f', ['\n'] = '\\n',
  ['\r'] = '\\r', ['\t'] = '\\t' }

-- A JSON string as Jackson writes it: quote, backslash and control characters escaped, nothing else.
local function json_string(s)
  local escaped = string.gsub(s, '[%z\1-\31"\\]', function(c)
    return escapes[c] or string.format('\\u%04X', string.byte(c))
  end)
  return '"' .. escaped .. '"'
end

-- Epoch milliseconds as the API's timestamps, 2026-01-01T12:00:00.123Z (days to a civil date: the
-- algorithm of Howard Hinnant's chrono date library; every number stays an integer below 2^53).
local function iso_utc(ms)
  local seconds = math.floor(ms / 1000)
  local days = math.floor(seconds / 86400)
  local of_day = seconds - days * 86400
  local z = days + 719468
  local era = math.floor(z / 146097)
  local doe = z - era * 146097
  local yoe = math.floor((doe - math.floor(doe / 1460) + math.floor(doe / 36524) - math.floor(doe / 146096)) / 365)
  local doy = doe - (365 * yoe + math.floor(yoe / 4) - math.floor(yoe / 100))
  local mp = math.floor((5 * doy + 2) / 153)
  local day = doy - math.floor((153 * mp + 2) / 5) + 1
  local month = mp < 10 and mp + 3 or mp - 9
  local year = yoe + era * 400 + (month <= 2 and 1 or 0)
  return string.format('%04d-%02d-%02dT%02d:%02d:%02d.%03dZ', year, month, day, math.floor(of_day / 3600),
    math.floor(of_day % 3600 / 60), of_day % 60, ms - seconds * 1000)
end
-- (end of the helpers: AppendScriptTest runs the two above alone, on values it chooses)

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

local millis = string.match(id, '^(%d+)-')
local ms = tonumber(millis)
local message = '{"id":"' .. id .. '","conversation_id":"' .. ARGV[1] .. '","sender_id":' .. ARGV[2]
  .. ',"sender_name":' .. json_string(ARGV[3]) .. ',"sender_email":' .. json_string(ARGV[4])
  .. ',"content":' .. json_string(ARGV[5])
  .. ',"timestamp":' .. string.sub(millis, 1, -4) .. '.' .. string.sub(millis, -3)
  .. ',"created_at":"' .. iso_utc(ms) .. '","client_id":' .. ((ARGV[6] ~= '' and json_string(ARGV[6])) or 'null') .. '}'
if idempotency ~= '' then
  redis.call('SET', idempotency, id, 'EX', ARGV[9])
end
for i = 12, #ARGV do
  if ARGV[i] ~= ARGV[2] then
    redis.call('HINCRBY', KEYS[2], ARGV[i], 1)
  end
end
redis.call('ZADD', KEYS[4], ms, ARGV[1])
-- The envelope of a stored message: 'F' + its id + ':' + its finished frame (realtime/Envelope.java).
redis.call('PUBLISH', ARGV[11], 'F' .. id .. ':{"type":"message","message":' .. message .. '}')
return {'new', id, message}
