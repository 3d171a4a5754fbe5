-- The prospects whose outstanding sync the relay must look at by now (Redis time), earliest first.
-- KEYS: the outstanding-syncs schedule (a sorted set: prospect id scored by when to act, ms). ARGV: how many at most.
-- Returns { now, { prospect id, score, ... } }.
local now = now_ms()
return { int(now), redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', int(now), 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[1])) }
