-- ratelimit.lua: fixed one-minute windows of requests and tokens per account.
-- KEYS[1] request counter of this minute  KEYS[2] token counter of this minute
-- ARGV[1] request limit (0 = none)  ARGV[2] token limit (0 = none)
-- Returns 1 when the request may go ahead (and counts it), 0 when limited.
local rpm = tonumber(ARGV[1])
local tpm = tonumber(ARGV[2])
if tpm > 0 then
  local used = tonumber(redis.call('GET', KEYS[2]) or '0')
  if used >= tpm then
    return 0
  end
end
if rpm > 0 then
  local n = redis.call('INCR', KEYS[1])
  if n == 1 then
    redis.call('EXPIRE', KEYS[1], 120)
  end
  if n > rpm then
    return 0
  end
end
return 1
