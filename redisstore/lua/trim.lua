-- trim.lua: delete archived receipts from the log and their signatures, if
-- the fencing token is current.
-- KEYS[1] fencing counter  KEYS[2] receipt log (stream)  KEYS[3] signatures
-- ARGV[1] fencing token  ARGV[2] first stream id kept ('0-<last+1>')
-- ARGV[3] first seq  ARGV[4] last seq (both below 2^53, checked by the caller)
-- Returns how many log entries were deleted.
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return redis.error_reply('FENCED')
end
local n = redis.call('XTRIM', KEYS[2], 'MINID', ARGV[2])
local first = tonumber(ARGV[3])
local last = tonumber(ARGV[4])
local fields = {}
for i = first, last do
  fields[#fields + 1] = string.format('%d', i)
  if #fields == 1000 then
    redis.call('HDEL', KEYS[3], unpack(fields))
    fields = {}
  end
end
if #fields > 0 then
  redis.call('HDEL', KEYS[3], unpack(fields))
end
return n
