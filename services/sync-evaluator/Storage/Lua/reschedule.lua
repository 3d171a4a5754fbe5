-- Moves one prospect in the outstanding-syncs schedule, but only if its time is still the one the caller read:
-- a consumer that scheduled a newer sync meanwhile is never overwritten.
-- KEYS: the schedule. ARGV: prospect id, the expected score, the new score ('' removes the prospect).
-- Returns 1 when moved, 0 when the score had changed.
local current = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not current or tonumber(current) ~= tonumber(ARGV[2]) then
  return 0
end
if ARGV[3] == '' then
  redis.call('ZREM', KEYS[1], ARGV[1])
else
  redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
end
return 1
