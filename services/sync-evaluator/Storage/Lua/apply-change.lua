-- One event applied to one prospect, in one atomic step: SyncStateMachine.Apply.
-- KEYS: state, outbox, decisions, seen.
-- ARGV: event id, event type, rule, the date the rule moves, its effect, reported date (ms or ''), revision,
--       completion sync id, version, outcome, CRM last modified (ms or ''),
--       new sync id, new request event id,
--       max clock skew, publish grace, dedupe window (ms), decisions kept, dry run ('1': decide, change nothing),
--       decisions retention (ms), the rule other changes of a Do Not Sync edit trigger (or ''),
--       the revision a skipped completion read Do Not Sync set at (or ''),
--       the change's stamp (SyncChange.Stamp: by, or '' for a change that needs no sync; revision; CRM LastModifiedDate, ms or ''),
--       the completion's prospect revision read (or '') and CRM LastModifiedDate read (ms or '').
-- Returns JSON: { applied, now, issued, decision, reissue, outstanding }. Like every step, it also issues the outstanding sync
-- again when its time ran out (reissue: that decision, recorded after the event's). An event applied before (already in seen)
-- changes nothing of its own: applied = false, the reissue if its sync's time ran out, and the outstanding sync, so that a
-- redelivery can repeat a publish that was never confirmed.
local state_key, outbox_key, decisions_key, seen_key = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local event_id, event_type, rule, moves, effect = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local reported = optional_number(ARGV[6])
local revision = tonumber(ARGV[7])
local completion_sync_id, completion_version, completion_outcome = ARGV[8], tonumber(ARGV[9]), ARGV[10]
local completion_crm_modified = optional_number(ARGV[11])
local new_sync_id, new_event_id = ARGV[12], ARGV[13]
local max_skew, publish_grace, dedupe_window = tonumber(ARGV[14]), tonumber(ARGV[15]), tonumber(ARGV[16])
local kept = tonumber(ARGV[17])
local dry_run = ARGV[18] == '1'
local retention = tonumber(ARGV[19])
local also_triggers = ARGV[20] or ''
local completion_do_not_sync_revision = optional_number(ARGV[21])
local stamp_by = ARGV[22] or ''
local stamp_revision = optional_number(ARGV[23])
local stamp_crm_last_modified = optional_number(ARGV[24])
local completion_revision_read = optional_number(ARGV[25])
local completion_crm_read = optional_number(ARGV[26])

local now = now_ms()
local state = load_state(state_key, outbox_key)

local seen_at = redis.call('ZSCORE', seen_key, event_id)
if seen_at and tonumber(seen_at) >= now - dedupe_window then
  local reissue = reissue_and_save(state, now, new_event_id, publish_grace, outbox_key, decisions_key, kept, retention, dry_run)
  return cjson.encode({ applied = false, now = int(now), reissue = reissue, outstanding = outstanding_json(state.outstanding) })
end

local decision = {
  at = int(now),
  eventId = event_id,
  eventType = event_type,
  rule = rule,
  outcome = 'NoSync',
  moved = moves,
  dateClamped = false,
  lastSyncedAt = int(state.last_synced_at),
  version = 0,
}

-- Dates only move forward, and never further ahead of Redis's clock than the skew allows.
local function clamp(date)
  if date > now + max_skew then
    return now, true
  end
  return date, false
end

local function move_date(date_name, value)
  local field = ({ LastActivity = 'last_activity_at', UpdatedAt = 'updated_at', CrmLastModified = 'crm_last_modified_at' })[date_name]
  if field ~= nil and (state[field] == nil or state[field] < value) then
    state[field] = value
  end
end

local issued = false

-- The change's stamp as the decision names it (SyncDecision.Stamp), or nil for a change that needs no sync.
local stamp = nil
if stamp_by ~= '' then
  stamp = { by = stamp_by, revision = stamp_revision, crmLastModified = int(stamp_crm_last_modified) }
end

-- SyncState.AlreadySynced: a sync that wrote the CRM already read this change, by its stamp.
local function already_synced()
  if stamp_by == 'ProspectRevision' then
    return stamp_revision <= state.synced_revision
  elseif stamp_by == 'CrmLastModified' then
    return state.synced_crm_last_modified ~= nil and stamp_crm_last_modified <= state.synced_crm_last_modified
  end
  return false
end

-- Accept: the change takes the next version, and joins the outstanding sync with its stamp (OutstandingSync.Join).
local function accept(rule_name)
  state.version = state.version + 1
  state.pending_rule = rule_name
  local outstanding = state.outstanding
  if outstanding == nil or stamp_by == 'NoMappedField' then
    return
  elseif stamp_by == 'ProspectRevision' then
    outstanding.joined_revision = math.max(outstanding.joined_revision, stamp_revision)
  elseif stamp_by == 'CrmLastModified' then
    if outstanding.joined_crm_last_modified == nil or outstanding.joined_crm_last_modified < stamp_crm_last_modified then
      outstanding.joined_crm_last_modified = stamp_crm_last_modified
    end
  else
    outstanding.joined_unstamped = true
  end
end

-- OutstandingSync.JoinsCoveredBy: the completion, of this sync, read every change that joined it.
local function joins_covered_by_completion(outstanding)
  return outstanding.sync_id == completion_sync_id
    and not outstanding.joined_unstamped
    and (outstanding.joined_revision == 0
      or (completion_revision_read ~= nil and completion_revision_read >= outstanding.joined_revision))
    and (outstanding.joined_crm_last_modified == nil
      or (completion_crm_read ~= nil and completion_crm_read >= outstanding.joined_crm_last_modified))
end

-- Queues a sync when a change above covered_up_to waits, unless Do Not Sync is set or one is outstanding.
-- joined_stamp: the step's own change, named in the decision when it joins the outstanding sync.
local function issue_if_needed(covered_up_to, joined_stamp)
  if state.version <= covered_up_to then
    decision.outcome = 'NothingPending'
  elseif state.do_not_sync then
    decision.outcome = 'BlockedByDoNotSync'
  elseif state.outstanding ~= nil then
    decision.outcome = 'JoinedOutstandingSync'
    decision.syncId = state.outstanding.sync_id
    decision.stamp = joined_stamp
  else
    state.outstanding = {
      sync_id = new_sync_id,
      version = state.version,
      rule = state.pending_rule or rule,
      issue = 1,
      lease_expiries = 0,
      issued_at = now,
      lease_until = now + publish_grace,
      published = false,
      request_event_id = new_event_id,
      requested_at = now,
      joined_revision = 0,
      joined_unstamped = false,
    }
    decision.outcome = 'SyncQueued'
    decision.syncId = new_sync_id
    issued = true
  end
end

if moves ~= 'None' and reported ~= nil then
  local recorded, clamped = clamp(reported)
  move_date(moves, recorded)
  decision.reportedDate = int(reported)
  decision.recordedDate = int(recorded)
  decision.dateClamped = clamped
end

if effect == 'Trigger' or effect == 'Force' then
  -- Arrived after the sync that read it completed (a new prospect's second event, say): it is in the CRM already.
  if already_synced() then
    decision.outcome = 'AlreadySynced'
    decision.stamp = stamp
  else
    accept(rule)
    issue_if_needed(state.settled_version, stamp)
  end
elseif effect == 'NoSync' then
  decision.outcome = 'NoSync'
elseif effect == 'OwnWrite' then
  decision.outcome = 'OwnWrite'
elseif effect == 'SetDoNotSync' or effect == 'ClearDoNotSync' then
  -- Other changes of the same edit count like any change, whatever becomes of Do Not Sync, unless a sync read them.
  local also = also_triggers ~= '' and not already_synced()
  local also_stamp = nil
  if also then
    accept(also_triggers)
    also_stamp = stamp
  end
  if revision ~= 0 and revision < state.do_not_sync_revision then
    if also then
      issue_if_needed(state.settled_version, also_stamp)
    else
      decision.outcome = 'OutOfOrderIgnored'
    end
  else
    state.do_not_sync = effect == 'SetDoNotSync'
    state.do_not_sync_revision = math.max(state.do_not_sync_revision, revision)
    if state.do_not_sync then
      decision.outcome = 'BlockedByDoNotSync'
    else
      -- Cleared: whatever was held back while it was set, including syncs the worker skipped, is pending again.
      issue_if_needed(state.synced_version, also_stamp)
    end
  end
elseif effect == 'Completion' then
  decision.completion = {
    syncId = completion_sync_id,
    version = completion_version,
    outcome = completion_outcome,
    prospectRevisionRead = completion_revision_read,
    crmLastModifiedDateRead = int(completion_crm_read),
  }
  if completion_crm_modified ~= nil then
    decision.completion.crmLastModifiedDate = int(completion_crm_modified)
    move_date('CrmLastModified', (clamp(completion_crm_modified)))
  end
  -- The worker read Do Not Sync set at a revision newer than any this state knows: it is set, though the change that set
  -- it has yet to arrive. Without this, the skip would settle nothing and the sync would be issued again and again.
  if completion_outcome == 'SkippedDoNotSync' and completion_do_not_sync_revision ~= nil
      and completion_do_not_sync_revision > state.do_not_sync_revision then
    state.do_not_sync = true
    state.do_not_sync_revision = completion_do_not_sync_revision
  end
  -- A sync covers what it was issued for, and the changes that joined it when it read every one of them; otherwise a
  -- follow-up carries those. Never a version beyond the state's own. One skipped for Do Not Sync settles nothing once Do Not
  -- Sync was cleared.
  local joins_covered = state.outstanding ~= nil and state.outstanding.version < state.version
    and joins_covered_by_completion(state.outstanding)
  local covered = math.min(completion_version, state.version)
  if joins_covered then
    covered = state.version
    decision.joinsCovered = true
  end
  if completion_outcome ~= 'SkippedDoNotSync' or state.do_not_sync then
    state.settled_version = math.max(state.settled_version, covered)
  end
  if completion_outcome == 'Synced' or completion_outcome == 'CrmRecordDeleted' then
    state.synced_version = math.max(state.synced_version, covered)
  end
  if completion_outcome == 'Synced' then
    state.last_synced_at = now
    -- What a sync that wrote the CRM read covers the changes that arrive after it, stamped at or below it.
    if completion_revision_read ~= nil then
      state.synced_revision = math.max(state.synced_revision, completion_revision_read)
    end
    if completion_crm_read ~= nil
        and (state.synced_crm_last_modified == nil or state.synced_crm_last_modified < completion_crm_read) then
      state.synced_crm_last_modified = completion_crm_read
    end
  end
  if state.outstanding ~= nil and state.outstanding.sync_id == completion_sync_id then
    state.outstanding = nil
  end
  issue_if_needed(state.settled_version)
else
  return redis.error_reply('unknown sync effect ' .. tostring(effect))
end

decision.version = state.version

-- A sync issued just now has all its publish grace ahead of it, so a step issues or issues again, never both.
local reissue = nil
if not issued then
  reissue = reissue_if_expired(state, now, new_event_id, publish_grace)
end

if not dry_run then
  save_state(state_key, outbox_key, state)
  record_decision(decisions_key, decision, kept, retention)
  if reissue ~= nil then
    record_decision(decisions_key, reissue, kept, retention)
  end
  redis.call('ZREMRANGEBYSCORE', seen_key, '-inf', '(' .. int(now - dedupe_window))
  redis.call('ZADD', seen_key, int(now), event_id)
  redis.call('PEXPIRE', seen_key, int(dedupe_window))
end

return cjson.encode({
  applied = true,
  now = int(now),
  issued = issued,
  decision = decision,
  reissue = reissue,
  outstanding = outstanding_json(state.outstanding),
})
