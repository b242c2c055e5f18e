-- reserve.lua: hold a call's maximum cost against an account's balance.
-- All keys share the model's hash tag, so this runs on Redis Cluster too.
-- KEYS[1] balance  KEYS[2] reservations hash  KEYS[3] reservation expiry zset
-- KEYS[4] idempotency record (or a placeholder in the same slot when unused)
-- KEYS[5] receipt id -> seq index (the bucket of the receipt id's day)
-- ARGV[1] receipt id  ARGV[2] amount (wei, decimal string)  ARGV[3] expiry (unix ms)
-- ARGV[4] account     ARGV[5] idempotency key ('' = none)    ARGV[6] body hash
-- ARGV[7] idempotency pending ttl (ms)
-- Amounts never pass through Lua arithmetic (Lua numbers are doubles): only
-- DECRBY/INCRBY compute with them, and only the sign of a result is tested,
-- which a double represents exactly.
--
-- The script may run twice for one call: a client that loses the connection
-- after sending it cannot know whether it ran, and sends it again (go-redis
-- retries, and replays a whole automatic pipeline). A hold already recorded
-- under this receipt id for the same account, amount and idempotency key is
-- that call's own: report it, take nothing more. Anything else under the
-- id is another call's: refuse. (A replay that arrives after its call was
-- released holds the credit again until the sweeper returns it; with
-- go-redis completing a pipeline's commands together, that needs a retry
-- longer than the call itself.)
local held = redis.call('HGET', KEYS[2], ARGV[1])
if held then
  if held == ARGV[4] .. '|' .. ARGV[2] .. '|' .. ARGV[5] then
    return {'OK'}
  end
  return {'ID_USED'}
end
-- A receipt id is never reused: one already committed cannot be held again.
if redis.call('HEXISTS', KEYS[5], ARGV[1]) == 1 then
  return {'ID_USED'}
end
if ARGV[5] ~= '' then
  local rec = redis.call('HMGET', KEYS[4], 'state', 'body', 'status', 'ctype', 'resp', 'receipt', 'rid', 'tail')
  if rec[1] then
    if rec[2] ~= ARGV[6] then
      return {'IDEM_MISMATCH'}
    end
    if rec[1] == 'done' then
      return {'REPLAY', rec[3] or '', rec[4] or '', rec[5] or '', rec[6] or '', rec[7] or '', rec[8] or ''}
    end
    return {'IDEM_BUSY'}
  end
end
local left = redis.call('DECRBY', KEYS[1], ARGV[2])
if left < 0 then
  redis.call('INCRBY', KEYS[1], ARGV[2])
  return {'INSUFFICIENT', tostring(redis.call('GET', KEYS[1]))}
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[4] .. '|' .. ARGV[2] .. '|' .. ARGV[5])
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1])
if ARGV[5] ~= '' then
  redis.call('HSET', KEYS[4], 'state', 'pending', 'body', ARGV[6], 'rid', ARGV[1])
  redis.call('PEXPIRE', KEYS[4], ARGV[7])
end
return {'OK'}
