-- set_cursor.lua: move the archive cursor if the fencing token is current.
-- KEYS[1] fencing counter  KEYS[2] archive cursor
-- ARGV[1] fencing token  ARGV[2] next batch id to archive
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return redis.error_reply('FENCED')
end
redis.call('SET', KEYS[2], ARGV[2])
return 'OK'
