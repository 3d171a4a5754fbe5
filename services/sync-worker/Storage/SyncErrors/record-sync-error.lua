-- Records one permanent sync error of a prospect in the sync-error list, keeping when it was first seen and counting
-- the attempts, in one step so replicas recording the same prospect at once do not lose a count.
-- KEYS: @errors the list (a hash: prospect id -> entry as JSON).
-- ARGV: @prospect, @code, @message, @fields (comma-separated), @at (ISO 8601), @syncId.
local current = redis.call('HGET', @errors, @prospect)
local entry
if current then
  entry = cjson.decode(current)
  entry.attempts = entry.attempts + 1
else
  entry = { firstSeen = @at, attempts = 1 }
end
entry.errorCode = @code
entry.message = @message
entry.fields = @fields
entry.lastSeen = @at
entry.lastSyncId = @syncId
entry.retryRequestedAt = nil
redis.call('HSET', @errors, @prospect, cjson.encode(entry))
return entry.attempts
