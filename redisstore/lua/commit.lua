-- commit.lua: charge a reserved call its actual fee and record its receipt,
-- atomically: return the unused hold, take the next seq, append the receipt to
-- the log, bump usage counters, complete the idempotency record.
-- KEYS[1] balance  KEYS[2] reservations hash  KEYS[3] reservation expiry zset
-- KEYS[4] seq counter  KEYS[5] receipt log (stream)
-- KEYS[6] receipt id -> seq index (the bucket of the receipt id's day)
-- KEYS[7] model usage per hour  KEYS[8] account usage per hour  KEYS[9] model totals
-- KEYS[10] idempotency record (or placeholder)  KEYS[11] seq floor
-- ARGV[1] receipt id  ARGV[2] fee (wei)
-- ARGV[3] prompt tokens  ARGV[4] completion tokens  ARGV[5] timestamp ms
-- ARGV[6] payer  ARGV[7] request hash  ARGV[8] response hash  ARGV[9] token
-- ARGV[10] account  ARGV[11] model name  ARGV[12] idempotency key ('' = none)
-- ARGV[13] idem ttl ms  ARGV[14] status  ARGV[15] content type  ARGV[16] body
-- ARGV[17] usage counter ttl (seconds)  ARGV[18] stream tail (the usage chunk, or '')
-- ARGV[19] the receipt signer's address (a signature may be written later)
-- ARGV[20] the hold (wei) the caller reserved  ARGV[21] the refund: hold - fee,
-- computed exactly by the caller, 0 <= refund <= hold
-- ARGV[22] the caller's seq floor (the highest seq it knows to be issued)
-- ARGV[23] the receipt id index bucket's lifetime (seconds)
-- A reservation exists until its call is committed or released, in this
-- script or release_hold, both atomic: so a reservation present means not yet
-- committed, and only a missing one needs the receipt id index to tell a
-- repeated commit (DUP) from a released hold (NORESV).
local resv = redis.call('HGET', KEYS[2], ARGV[1])
if not resv then
  local done = redis.call('HGET', KEYS[6], ARGV[1])
  if done then
    return {'DUP', done}
  end
  return {'NORESV'}
end
local sep1 = string.find(resv, '|', 1, true)
local sep2 = string.find(resv, '|', sep1 + 1, true)
-- The refund was computed from the hold the caller believes it has, for the
-- account it believes holds it; refuse if the record says otherwise (string
-- comparison: no Lua arithmetic on wei).
if string.sub(resv, sep1 + 1, sep2 - 1) ~= ARGV[20] or string.sub(resv, 1, sep1 - 1) ~= ARGV[10] then
  return {'HOLD_MISMATCH'}
end
-- Defence in depth for the caller's arithmetic, without Lua numbers: the
-- refund must be a canonical decimal (no sign, no leading zero) no greater
-- than the hold. Decimals of equal length compare digit by digit; Lua's own
-- string order follows the locale, so bytes are compared here.
local function not_above(a, b)
  if #a ~= #b then
    return #a < #b
  end
  for i = 1, #a do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then
      return x < y
    end
  end
  return true
end
local hold, refund = ARGV[20], ARGV[21]
if (refund ~= '0' and string.find(refund, '^[1-9]%d*$') == nil) or not not_above(refund, hold) then
  return {'BAD_REFUND'}
end
-- A seq is issued once, ever: if the counter is below a seq known to be
-- issued (the caller's, or the floor the batcher set from the chain), Redis
-- has lost state (a restored snapshot, a failover to a lagging replica) and
-- the next INCR would hand out that seq again. Refuse, changing nothing.
local cur = tonumber(redis.call('GET', KEYS[4]) or '0')
local floor = math.max(tonumber(ARGV[22]), tonumber(redis.call('GET', KEYS[11]) or '0'))
if cur < floor then
  return {'SEQ_BEHIND', tostring(cur), tostring(floor)}
end
-- One exact integer operation returns the unused part of the hold; the
-- balance only grows here, so it cannot go below zero.
redis.call('INCRBY', KEYS[1], refund)
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
local seq = redis.call('INCR', KEYS[4])
local seqs = string.format('%d', seq)
redis.call('XADD', KEYS[5], '0-' .. seqs,
  'id', ARGV[1], 'model', ARGV[9], 'payer', ARGV[6], 'seq', seqs, 'ts', ARGV[5],
  'pt', ARGV[3], 'ct', ARGV[4], 'fee', ARGV[2], 'reqh', ARGV[7], 'resh', ARGV[8],
  'acct', ARGV[10], 'name', ARGV[11], 'signer', ARGV[19])
redis.call('HSET', KEYS[6], ARGV[1], seqs)
redis.call('EXPIRE', KEYS[6], ARGV[23], 'NX')
-- Fee counters carry into whole-ether units so no counter nears the int64
-- limit: the total is fee_e18 * 10^18 + fee, exact whatever 'fee' holds. The
-- carry test compares a double (HINCRBY's reply), so near 10^18 it may carry
-- a little early or late; that only moves wei between the two fields and
-- never changes the total.
local function add(key)
  redis.call('HINCRBY', key, 'calls', 1)
  redis.call('HINCRBY', key, 'pt', ARGV[3])
  redis.call('HINCRBY', key, 'ct', ARGV[4])
  if redis.call('HINCRBY', key, 'fee', ARGV[2]) >= 1e18 then
    redis.call('HINCRBY', key, 'fee', '-1000000000000000000')
    redis.call('HINCRBY', key, 'fee_e18', 1)
  end
end
add(KEYS[7])
add(KEYS[8])
add(KEYS[9])
if ARGV[17] ~= '0' then
  redis.call('EXPIRE', KEYS[7], ARGV[17])
  redis.call('EXPIRE', KEYS[8], ARGV[17])
end
if ARGV[12] ~= '' then
  redis.call('HSET', KEYS[10], 'state', 'done', 'status', ARGV[14], 'ctype', ARGV[15], 'resp', ARGV[16], 'tail', ARGV[18], 'seq', seqs)
  redis.call('PEXPIRE', KEYS[10], ARGV[13])
end
return {'OK', seq}
