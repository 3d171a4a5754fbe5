-- Puts prospects on the outstanding-syncs schedule at now + the publish grace (Redis time), overwriting whatever time they had.
-- The evaluator runs it before a step that may issue a sync, so the relay knows of the sync before it exists: should the caller
-- then lose Redis or die, the relay still publishes the sync when its grace runs out.
-- Always a new time, and a full grace away: a relay that read the old time and found nothing outstanding fails to take the
-- prospect off (reschedule.lua compares), and none can read the new one before the step has had its grace to land. A look that
-- was due sooner waits at most one grace longer; the step itself does the relay's work for its prospect in the meantime.
-- KEYS: the schedule. ARGV: publish grace (ms), prospect ids.
-- Returns the time set (ms).
local at = int(now_ms() + tonumber(ARGV[1]))
for i = 2, #ARGV do
  redis.call('ZADD', KEYS[1], at, ARGV[i])
end
return at
