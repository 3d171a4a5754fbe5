-- Shared by the sync-state scripts: LuaScripts puts it in front of each one that needs it (all but reschedule.lua).
-- The scripts are Sync.Rules.SyncStateMachine in Lua: change one, change the other, and the differential test
-- (SyncStatePropertyTests) holds them to the same answers.
--
-- Per prospect, under one hash tag (one Redis Cluster slot):
--   state      hash    versions, the three dates, last synced, Do Not Sync
--   outbox     hash    the outstanding sync and the SyncRequested as last issued, with its Published flag, and the stamps of
--                      the changes that joined it (OutstandingSync.Join)
--   decisions  list    the latest decisions, newest first, as JSON; expires when none came within the retention
--   seen       zset    event ids applied, scored by when (Redis time), trimmed to the dedupe window
-- Times are milliseconds since the Unix epoch by Redis's own clock (TIME); they travel as decimal strings,
-- because Lua would print large numbers in exponent form.

local function now_ms()
  local time = redis.call('TIME')
  return tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end

local function int(value)
  if value == nil then
    return nil
  end
  return string.format('%d', value)
end

local function optional_number(value)
  if value == nil or value == false or value == '' then
    return nil
  end
  return tonumber(value)
end

local function read_hash(key)
  local flat = redis.call('HGETALL', key)
  local hash = {}
  for i = 1, #flat, 2 do
    hash[flat[i]] = flat[i + 1]
  end
  return hash, #flat > 0
end

local function load_outstanding(outbox_key)
  local outbox, exists = read_hash(outbox_key)
  if not exists then
    return nil
  end
  return {
    sync_id = outbox.syncId,
    version = tonumber(outbox.version),
    rule = outbox.rule,
    issue = tonumber(outbox.issue),
    lease_expiries = tonumber(outbox.leaseExpiries or '0'),
    issued_at = tonumber(outbox.issuedAt),
    lease_until = tonumber(outbox.leaseUntil),
    published = outbox.published == '1',
    request_event_id = outbox.requestEventId,
    requested_at = tonumber(outbox.requestedAt),
    joined_revision = tonumber(outbox.joinedRevision or '0'),
    joined_crm_last_modified = optional_number(outbox.joinedCrmLastModified),
    joined_unstamped = outbox.joinedUnstamped == '1',
  }
end

-- Writes the fields given, then each optional { name, value } pair: deleted when its value is nil, so that a field is kept
-- only while it says something. (Pairs, because a Lua list with nil in it has no reliable length.)
local function hset_optional(key, fields, optional)
  local absent = {}
  for _, pair in ipairs(optional) do
    if pair[2] == nil then
      table.insert(absent, pair[1])
    else
      table.insert(fields, pair[1])
      table.insert(fields, pair[2])
    end
  end
  redis.call('HSET', key, unpack(fields))
  if #absent > 0 then
    redis.call('HDEL', key, unpack(absent))
  end
end

local function save_outstanding(outbox_key, outstanding)
  if outstanding == nil then
    redis.call('DEL', outbox_key)
    return
  end
  -- The joined stamps are absent until a change stamps them, so a sync nothing joined costs no more than before.
  hset_optional(outbox_key, {
    'syncId', outstanding.sync_id,
    'version', int(outstanding.version),
    'rule', outstanding.rule,
    'issue', int(outstanding.issue),
    'leaseExpiries', int(outstanding.lease_expiries),
    'issuedAt', int(outstanding.issued_at),
    'leaseUntil', int(outstanding.lease_until),
    'published', outstanding.published and '1' or '0',
    'requestEventId', outstanding.request_event_id,
    'requestedAt', int(outstanding.requested_at),
  }, {
    { 'joinedRevision', outstanding.joined_revision > 0 and int(outstanding.joined_revision) or nil },
    { 'joinedCrmLastModified', int(outstanding.joined_crm_last_modified) },
    { 'joinedUnstamped', outstanding.joined_unstamped and '1' or nil },
  })
end

local function load_state(state_key, outbox_key)
  local hash = read_hash(state_key)
  return {
    version = tonumber(hash.version or '0'),
    settled_version = tonumber(hash.settledVersion or '0'),
    synced_version = tonumber(hash.syncedVersion or '0'),
    pending_rule = hash.pendingRule,
    last_activity_at = optional_number(hash.lastActivityAt),
    updated_at = optional_number(hash.updatedAt),
    crm_last_modified_at = optional_number(hash.crmLastModifiedAt),
    last_synced_at = optional_number(hash.lastSyncedAt),
    do_not_sync = hash.doNotSync == '1',
    do_not_sync_revision = tonumber(hash.doNotSyncRevision or '0'),
    synced_revision = tonumber(hash.syncedRevision or '0'),
    synced_crm_last_modified = optional_number(hash.syncedCrmLastModified),
    outstanding = load_outstanding(outbox_key),
  }
end

local function save_state(state_key, outbox_key, state)
  local fields = {
    'version', int(state.version),
    'settledVersion', int(state.settled_version),
    'syncedVersion', int(state.synced_version),
    'doNotSync', state.do_not_sync and '1' or '0',
    'doNotSyncRevision', int(state.do_not_sync_revision),
  }
  hset_optional(state_key, fields, {
    { 'pendingRule', state.pending_rule },
    { 'lastActivityAt', int(state.last_activity_at) },
    { 'updatedAt', int(state.updated_at) },
    { 'crmLastModifiedAt', int(state.crm_last_modified_at) },
    { 'lastSyncedAt', int(state.last_synced_at) },
    { 'syncedRevision', state.synced_revision > 0 and int(state.synced_revision) or nil },
    { 'syncedCrmLastModified', int(state.synced_crm_last_modified) },
  })
  save_outstanding(outbox_key, state.outstanding)
end

local function outstanding_json(outstanding)
  if outstanding == nil then
    return nil
  end
  return {
    syncId = outstanding.sync_id,
    version = outstanding.version,
    rule = outstanding.rule,
    issue = outstanding.issue,
    leaseExpiries = outstanding.lease_expiries,
    issuedAt = int(outstanding.issued_at),
    leaseUntil = int(outstanding.lease_until),
    published = outstanding.published,
    requestEventId = outstanding.request_event_id,
    requestedAt = int(outstanding.requested_at),
    joinedRevision = outstanding.joined_revision,
    joinedCrmLastModified = int(outstanding.joined_crm_last_modified),
    joinedUnstamped = outstanding.joined_unstamped,
  }
end

-- SyncDecision.Replaces: one more retried publish of the sync the newest decision retried takes its place.
local function replaces(decision, newest)
  return decision.outcome == 'PublishRetried' and newest.outcome == 'PublishRetried' and newest.syncId == decision.syncId
end

-- Keeps the latest decisions, and all of them only for the retention (ms) after the newest: the history is for prospects
-- that are active; a quiet one keeps its state, not its explanations.
local function record_decision(decisions_key, decision, kept, retention)
  local newest = decision.outcome == 'PublishRetried' and redis.call('LINDEX', decisions_key, 0)
  if newest and replaces(decision, cjson.decode(newest)) then
    redis.call('LSET', decisions_key, 0, cjson.encode(decision))
  else
    redis.call('LPUSH', decisions_key, cjson.encode(decision))
    redis.call('LTRIM', decisions_key, 0, kept - 1)
  end
  redis.call('PEXPIRE', decisions_key, retention)
end

-- SyncStateMachine.ReissueIfExpired: issues the outstanding sync again, with the same sync id, when its time ran out (its publish
-- not confirmed within the publish grace, or, published, not completed within its lease). Changes state.outstanding and returns
-- the decision; nil, changing nothing, when its time has not run out.
local function reissue_if_expired(state, now, new_event_id, publish_grace)
  local outstanding = state.outstanding
  if outstanding == nil or now < outstanding.lease_until then
    return nil
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
  return {
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
end

-- The relay's step, kept unless dry_run: reissue_if_expired, then the outbox it changed and its decision saved. Returns the
-- decision, or nil when the sync's time has not run out.
local function reissue_and_save(state, now, new_event_id, publish_grace, outbox_key, decisions_key, kept, retention, dry_run)
  local reissue = reissue_if_expired(state, now, new_event_id, publish_grace)
  if reissue ~= nil and not dry_run then
    save_outstanding(outbox_key, state.outstanding)
    record_decision(decisions_key, reissue, kept, retention)
  end
  return reissue
end

-- SyncStateSettings.LeaseFor: the lease doubles each time one ran out, up to the maximum.
local function lease_for(lease_expiries, lease_ms, max_lease_ms)
  local doublings = math.min(math.max(lease_expiries, 0), 30)
  local lease = lease_ms * (2 ^ doublings)
  if lease > max_lease_ms then
    return max_lease_ms
  end
  return lease
end
