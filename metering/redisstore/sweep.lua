-- sweep.lua: release up to ARGV[2] reservations that expired before ARGV[1]
-- (unix ms). Returns how many were released.
-- KEYS[1] reservations hash  KEYS[2] reservation expiry zset
-- ARGV[3] key prefix of the model
local ids = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
local n = 0
for _, rid in ipairs(ids) do
  local resv = redis.call('HGET', KEYS[1], rid)
  if resv then
    local sep1 = string.find(resv, '|', 1, true)
    local sep2 = string.find(resv, '|', sep1 + 1, true)
    local acct = string.sub(resv, 1, sep1 - 1)
    local amount = string.sub(resv, sep1 + 1, sep2 - 1)
    local idem = string.sub(resv, sep2 + 1)
    redis.call('INCRBY', ARGV[3] .. 'bal:' .. acct, amount)
    redis.call('HDEL', KEYS[1], rid)
    if idem ~= '' then
      local k = ARGV[3] .. 'idem:' .. acct .. ':' .. idem
      if redis.call('HGET', k, 'state') == 'pending' and redis.call('HGET', k, 'rid') == rid then
        redis.call('DEL', k)
      end
    end
    n = n + 1
  end
  redis.call('ZREM', KEYS[2], rid)
end
return n
