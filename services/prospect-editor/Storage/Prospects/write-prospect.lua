-- Writes a prospect and its ProspectChanged together, or neither: a compare-and-set on the prospect's revision.
-- KEYS[1] the prospect hash, KEYS[2] its outbox hash (same hash tag, so one Redis Cluster slot)
-- ARGV[1] the revision the caller read (0: the prospect must not exist yet), ARGV[2] the new revision,
-- ARGV[3] the prospect as JSON, ARGV[4] the event id, ARGV[5] the event as JSON
-- Returns -1 when written, otherwise the revision found (another write came first).
local current = tonumber(redis.call('HGET', KEYS[1], 'revision') or '0')
if current ~= tonumber(ARGV[1]) then
  return current
end
redis.call('HSET', KEYS[1], 'revision', ARGV[2], 'data', ARGV[3])
redis.call('HSET', KEYS[2], ARGV[4], ARGV[5])
return -1
