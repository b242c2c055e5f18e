-- release.lua: return a whole hold to the balance (failed call). Built with
-- hold.lua prepended.
-- KEYS[1] reservations hash  KEYS[2] reservation expiry zset
-- ARGV[1] receipt id  ARGV[2] key prefix of the model ('imogate:{token}:')
return release_hold(KEYS[1], KEYS[2], ARGV[2], ARGV[1])
