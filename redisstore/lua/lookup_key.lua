-- lookup_key.lua: follow an API key's hash to its record in one round trip.
-- KEYS[1] hash -> key id  ARGV[1] prefix of key records ('imogate:key:')
-- Returns the record's fields, or false for an unknown key.
local id = redis.call('GET', KEYS[1])
if not id then return false end
return redis.call('HGETALL', ARGV[1] .. id)
