-- raise_floor.lua: raise a model's seq floor, never lower it: commit.lua
-- refuses to issue a seq at or below it.
-- KEYS[1] seq floor  ARGV[1] the floor
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > cur then
  redis.call('SET', KEYS[1], ARGV[1])
  return tonumber(ARGV[1])
end
return cur
