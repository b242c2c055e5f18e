-- credit.lua: add ARGV[1] wei (negative to debit) to a balance, refusing a
-- result below zero. INCRBY itself refuses a result beyond int64 with an
-- "overflow" error, changing nothing.
-- KEYS[1] balance
local v = redis.call('INCRBY', KEYS[1], ARGV[1])
if v < 0 then
  redis.call('DECRBY', KEYS[1], ARGV[1])
  return redis.error_reply('NEGATIVE balance')
end
return v
