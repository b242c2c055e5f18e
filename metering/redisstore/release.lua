-- release.lua: return a whole hold to the balance (failed call, or expired).
-- KEYS[1] reservations hash  KEYS[2] reservation expiry zset
-- ARGV[1] receipt id  ARGV[2] key prefix of the model ('imogate:{token}:')
-- The balance and idempotency keys are derived from the reservation record;
-- they share the prefix's hash tag, so they live in the same cluster slot.
local resv = redis.call('HGET', KEYS[1], ARGV[1])
if not resv then
  redis.call('ZREM', KEYS[2], ARGV[1])
  return 0
end
local sep1 = string.find(resv, '|', 1, true)
local sep2 = string.find(resv, '|', sep1 + 1, true)
local acct = string.sub(resv, 1, sep1 - 1)
local amount = string.sub(resv, sep1 + 1, sep2 - 1)
local idem = string.sub(resv, sep2 + 1)
redis.call('INCRBY', ARGV[2] .. 'bal:' .. acct, amount)
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
if idem ~= '' then
  local k = ARGV[2] .. 'idem:' .. acct .. ':' .. idem
  if redis.call('HGET', k, 'state') == 'pending' and redis.call('HGET', k, 'rid') == ARGV[1] then
    redis.call('DEL', k)
  end
end
return 1
