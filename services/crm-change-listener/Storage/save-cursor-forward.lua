-- Saves the listener's feed position unless a later one is saved: a listener that fell behind (a second replica, a slow
-- shutdown) must not pull the cursor back.
-- KEYS: 1 the cursor. ARGV: 1 the position handled.
local current = tonumber(redis.call('GET', KEYS[1]) or '-1')
if tonumber(ARGV[1]) > current then
  redis.call('SET', KEYS[1], ARGV[1])
end
return 0
