-- The relay's step: issues the outstanding sync again, with the same sync id, when its time ran out.
-- SyncStateMachine.ReissueIfExpired.
-- KEYS: state, outbox, decisions. ARGV: new request event id, publish grace (ms), decisions kept, decisions retention (ms).
-- Returns JSON: { now, reissue (the decision, when it was issued again), outstanding }.
local state_key, outbox_key, decisions_key = KEYS[1], KEYS[2], KEYS[3]
local new_event_id, publish_grace, kept, retention = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])

local now = now_ms()
local state = load_state(state_key, outbox_key)
local reissue = reissue_and_save(state, now, new_event_id, publish_grace, outbox_key, decisions_key, kept, retention, false)
return cjson.encode({ now = int(now), reissue = reissue, outstanding = outstanding_json(state.outstanding) })
