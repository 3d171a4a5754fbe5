-- Marks a prospect in the pending-outbox index BEFORE its write, scored by Redis's clock (one clock for every replica).
-- KEYS[1] the index, ARGV[1] the prospect id
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZADD', KEYS[1], now, ARGV[1])
return now
