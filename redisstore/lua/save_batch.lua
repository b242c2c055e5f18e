-- save_batch.lua: write a whole batch record if the caller's fencing token
-- is current.
-- KEYS[1] fencing counter  KEYS[2] batch record  KEYS[3] batch id index
-- ARGV[1] fencing token  ARGV[2] batch id  ARGV[3..] field, value pairs
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return redis.error_reply('FENCED')
end
redis.call('HSET', KEYS[2], unpack(ARGV, 3))
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[2])
return 'OK'
