-- Issues the outstanding sync again, with the same sync id, when its time ran out: its publish was not confirmed within the
-- publish grace, or, published, it was not completed within its lease. SyncStateMachine.ReissueIfExpired.
-- KEYS: state, outbox, decisions. ARGV: new request event id, publish grace (ms), decisions kept.
-- Returns JSON: { now, reissued, decision, outstanding }.
local state_key, outbox_key, decisions_key = KEYS[1], KEYS[2], KEYS[3]
local new_event_id, publish_grace, kept = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])

local now = now_ms()
local state = load_state(state_key, outbox_key)
local outstanding = state.outstanding
if outstanding == nil or now < outstanding.lease_until then
  return cjson.encode({ now = int(now), reissued = false, outstanding = outstanding_json(outstanding) })
end

-- Only a lease that ran out lengthens the next one: a publish never confirmed says nothing about the worker.
local lease_ran_out = outstanding.published
outstanding.issue = outstanding.issue + 1
if lease_ran_out then
  outstanding.lease_expiries = outstanding.lease_expiries + 1
end
outstanding.lease_until = now + publish_grace
outstanding.published = false
outstanding.request_event_id = new_event_id
outstanding.requested_at = now
save_outstanding(outbox_key, outstanding)

local decision = {
  at = int(now),
  eventId = new_event_id,
  eventType = 'SyncRequested',
  rule = outstanding.rule,
  outcome = lease_ran_out and 'SyncReissued' or 'PublishRetried',
  moved = 'None',
  dateClamped = false,
  lastSyncedAt = int(state.last_synced_at),
  syncId = outstanding.sync_id,
  version = state.version,
  issue = outstanding.issue,
}
record_decision(decisions_key, decision, kept)
return cjson.encode({ now = int(now), reissued = true, decision = decision, outstanding = outstanding_json(outstanding) })
