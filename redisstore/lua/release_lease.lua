-- release_lease.lua: give up a batcher lease if ARGV[1] still holds it.
-- KEYS[1] lease ("<owner>|<fence>")
local cur = redis.call('GET', KEYS[1])
if cur and string.sub(cur, 1, string.len(ARGV[1]) + 1) == ARGV[1] .. '|' then
  redis.call('DEL', KEYS[1])
end
return 1
