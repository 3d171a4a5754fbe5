-- The CRM allowance shared by every worker replica: reserves a batch's calls from a token bucket over what is left of the
-- daily allowance. It refills at (allowance left for the sync) / (time until the allowance resets), holds at most @burst
-- calls, and never grants a call that would eat into the reserve: so the sync spreads a flood of changes over the day,
-- bursts when little is going on, and stops before the CRM would refuse it.
-- The usage figure is the newest usage the CRM reported plus the calls granted since (see allowance-learn.lua). Each call
-- granted gets a stamp, one more than the last, which orders the CRM's answers; it stays "in flight" until its answer
-- is learnt (or @inFlightFor passes, for a replica that died mid-call).
-- KEYS: @allowance (hash: limit, base, reported_stamp, stamp, resets_at, tokens, refilled_at, observed_at,
--       in-flight:<stamp> = expiry, released:<stamp>; times in ms by Redis's clock).
-- ARGV: @calls to reserve, @reservePercent, @burst, @dryRun ('1': only tell whether @calls would be granted now),
--       @inFlightFor (ms).
-- Returns { granted (1|0), wait in ms (-1: spent until the allowance resets), resets_at in ms (0: unknown),
--           the first call's stamp, margin (calls granted earlier and still in flight) }.
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local calls = tonumber(@calls)
local burst = tonumber(@burst)
local dryRun = @dryRun == '1'
local fields = redis.call('HGETALL', @allowance)
local state = {}
local inFlight = 0
local releasedAfter = {}
for i = 1, #fields, 2 do
  local name, value = fields[i], fields[i + 1]
  local kind, stamp = string.match(name, '^([%a-]+):(%d+)$')
  if kind == 'in-flight' then
    if tonumber(value) > now then
      inFlight = inFlight + 1
    elseif not dryRun then
      redis.call('HDEL', @allowance, name)
    end
  elseif kind == 'released' then
    releasedAfter[#releasedAfter + 1] = tonumber(stamp)
  else
    state[name] = value
  end
end

local stamp = tonumber(state['stamp']) or 0
local function grant(resetsAt)
  if not dryRun then
    for call = stamp + 1, stamp + calls do
      redis.call('HSET', @allowance, 'in-flight:' .. call, now + tonumber(@inFlightFor))
    end
    redis.call('HSET', @allowance, 'stamp', stamp + calls)
  end
  return { 1, 0, resetsAt, stamp + 1, inFlight }
end

local limit = tonumber(state['limit'])
if not limit then
  -- Nothing is known yet: the CRM's first answer tells the usage and the limit.
  return grant(0)
end
local base = tonumber(state['base']) or 0
local reportedStamp = tonumber(state['reported_stamp']) or 0
local resetsAt = tonumber(state['resets_at']) or 0
local tokens = tonumber(state['tokens']) or burst
local refilledAt = tonumber(state['refilled_at']) or now

if resetsAt > 0 and now >= resetsAt then
  -- The allowance has reset: start the new day with a full bucket; the next answer tells the real usage.
  base = 0
  reportedStamp = stamp
  resetsAt = 0
  tokens = burst
  refilledAt = now
  if not dryRun then
    redis.call('HSET', @allowance, 'base', base, 'reported_stamp', reportedStamp, 'resets_at', resetsAt, 'tokens', tokens, 'refilled_at', refilledAt)
  end
end

local released = 0
for _, call in ipairs(releasedAfter) do
  if call > reportedStamp then
    released = released + 1
  end
end
local used = base + (stamp - reportedStamp) - released
local budget = limit - math.floor(limit * tonumber(@reservePercent) / 100) - used
if budget < calls then
  return { 0, -1, resetsAt, 0, 0 }
end

local window = 86400000
if resetsAt > now then
  window = resetsAt - now
end
window = math.max(window, 1000)
local rate = budget / window
tokens = math.min(burst, tokens + math.max(0, now - refilledAt) * rate)

if tokens >= calls then
  if not dryRun then
    redis.call('HSET', @allowance, 'tokens', tostring(tokens - calls), 'refilled_at', now)
  end
  return grant(resetsAt)
end

if not dryRun then
  redis.call('HSET', @allowance, 'tokens', tostring(tokens), 'refilled_at', now)
end
return { 0, math.ceil((calls - tokens) / rate), resetsAt, 0, 0 }
