-- sweep.lua: release up to ARGV[2] reservations that expired before ARGV[1]
-- (unix ms). Returns how many were released. Built with hold.lua prepended.
-- KEYS[1] reservations hash  KEYS[2] reservation expiry zset
-- ARGV[3] key prefix of the model
local n = 0
for _, rid in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])) do
  n = n + release_hold(KEYS[1], KEYS[2], ARGV[3], rid)
end
return n
