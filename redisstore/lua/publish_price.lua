-- publish_price.lua: append a version to a model's price schedule, never
-- changing one already published.
-- KEYS[1] price schedule (zset: score = effectiveFrom ms, member = version JSON)
-- ARGV[1] effectiveFrom (unix ms)  ARGV[2] the version's JSON
-- ARGV[3] the earliest effectiveFrom a new version may have (unix ms); an
--         empty schedule takes any effectiveFrom (its first version)
-- Replies: {'ADDED'}, {'EXISTS'} (this exact version is published),
-- {'CONFLICT', json} (another version has this effectiveFrom),
-- {'NOT_LATEST', json} (a later version is published),
-- {'TOO_SOON', earliest} (a new version must not take effect before earliest).
-- Times are below 2^53, so their double scores are exact.
local same = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], ARGV[1])
if #same > 0 then
  if same[1] == ARGV[2] then
    return {'EXISTS'}
  end
  return {'CONFLICT', same[1]}
end
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
if #last > 0 then
  if tonumber(last[2]) > tonumber(ARGV[1]) then
    return {'NOT_LATEST', last[1]}
  end
  if tonumber(ARGV[1]) < tonumber(ARGV[3]) then
    return {'TOO_SOON', ARGV[3]}
  end
end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
return {'ADDED'}
