-- The broker confirmed the publish of the outstanding sync: from now on its lease runs. SyncStateMachine.MarkPublished.
-- KEYS: outbox. ARGV: sync id, lease (ms), max lease (ms).
-- Returns JSON: { now, outstanding }.
local outbox_key = KEYS[1]
local sync_id, lease_ms, max_lease_ms = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])

local now = now_ms()
local outstanding = load_outstanding(outbox_key)
if outstanding ~= nil and outstanding.sync_id == sync_id and not outstanding.published then
  outstanding.published = true
  outstanding.lease_until = now + lease_for(outstanding.lease_expiries, lease_ms, max_lease_ms)
  save_outstanding(outbox_key, outstanding)
end
return cjson.encode({ now = int(now), outstanding = outstanding_json(outstanding) })
