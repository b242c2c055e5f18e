-- hold.lua: shared by release.lua and sweep.lua (prepended when the scripts
-- are built). release_hold returns a reservation's whole hold to its balance,
-- forgets the reservation and frees a still-pending idempotency record of it.
-- The balance and idempotency keys are derived from the reservation record
-- ("account|amount|idempotency key hash") and the model's key prefix; they
-- share the prefix's hash tag, so they live in the same cluster slot.
-- Returns 1 if a hold was released, 0 if there was none.
local function release_hold(resv_key, exp_key, prefix, rid)
  local resv = redis.call('HGET', resv_key, rid)
  redis.call('ZREM', exp_key, rid)
  if not resv then
    return 0
  end
  local sep1 = string.find(resv, '|', 1, true)
  local sep2 = string.find(resv, '|', sep1 + 1, true)
  local acct = string.sub(resv, 1, sep1 - 1)
  local amount = string.sub(resv, sep1 + 1, sep2 - 1)
  local idem = string.sub(resv, sep2 + 1)
  redis.call('INCRBY', prefix .. 'bal:' .. acct, amount)
  redis.call('HDEL', resv_key, rid)
  if idem ~= '' then
    local k = prefix .. 'idem:' .. acct .. ':' .. idem
    if redis.call('HGET', k, 'state') == 'pending' and redis.call('HGET', k, 'rid') == rid then
      redis.call('DEL', k)
    end
  end
  return 1
end
