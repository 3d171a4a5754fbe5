-- Forgets a prospect's mark only if nobody marked it again since it was read (a writer marks before writing).
-- KEYS[1] the index, ARGV[1] the prospect id, ARGV[2] the mark as read
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if score and tonumber(score) == tonumber(ARGV[2]) then
  redis.call('ZREM', KEYS[1], ARGV[1])
  return 1
end
return 0
