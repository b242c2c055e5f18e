-- acquire_lease.lua: take or renew a batcher lease.
-- KEYS[1] lease ("<owner>|<fence>")  KEYS[2] fencing counter
-- ARGV[1] owner  ARGV[2] ttl (ms)
-- Returns the fencing token: the holder's own on renewal, a new (greater)
-- one for a new lease; false while another owner holds it.
local cur = redis.call('GET', KEYS[1])
if cur then
  local sep = string.find(cur, '|', 1, true)
  if sep and string.sub(cur, 1, sep - 1) == ARGV[1] then
    redis.call('PEXPIRE', KEYS[1], ARGV[2])
    return string.sub(cur, sep + 1)
  end
  return false
end
local f = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], ARGV[1] .. '|' .. f, 'NX', 'PX', ARGV[2])
return tostring(f)
