-- The CRM allowance shared by every worker replica: a token bucket over what is left of the daily allowance.
-- It refills at (allowance left for the sync) / (time until the allowance resets), holds at most @burst calls, and
-- never grants a call that would eat into the reserve: so the sync spreads a flood of changes over the day, bursts
-- when little is going on, and stops before the CRM would refuse it.
-- KEYS: @allowance (hash: limit, used, resets_at, tokens, refilled_at, observed_at; times in ms by Redis's clock).
-- ARGV: @calls to take, @reservePercent, @burst, @dryRun ('1': only tell whether @calls would be granted now).
-- Returns { granted (1|0), wait in ms (-1: the allowance is spent until it resets), resets_at in ms (0: unknown) }.
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local calls = tonumber(@calls)
local burst = tonumber(@burst)
local dryRun = @dryRun == '1'
local state = redis.call('HMGET', @allowance, 'limit', 'used', 'resets_at', 'tokens', 'refilled_at')
local limit = tonumber(state[1])
if not limit then
  -- Nothing is known yet: the CRM's first answer tells the usage and the limit.
  return { 1, 0, 0 }
end
local used = tonumber(state[2]) or 0
local resetsAt = tonumber(state[3]) or 0
local tokens = tonumber(state[4]) or burst
local refilledAt = tonumber(state[5]) or now

if resetsAt > 0 and now >= resetsAt then
  -- The allowance has reset: start the new day with a full bucket; the next answer tells the real usage.
  used = 0
  resetsAt = 0
  tokens = burst
  refilledAt = now
  if not dryRun then
    redis.call('HSET', @allowance, 'used', used, 'resets_at', resetsAt, 'tokens', tokens, 'refilled_at', refilledAt)
  end
end

local budget = limit - math.floor(limit * tonumber(@reservePercent) / 100) - used
if budget < calls then
  return { 0, -1, resetsAt }
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
    -- Counted as used at once, so replicas sharing the allowance never promise the same call twice.
    redis.call('HSET', @allowance, 'tokens', tostring(tokens - calls), 'refilled_at', now, 'used', used + calls)
  end
  return { 1, 0, resetsAt }
end

if not dryRun then
  redis.call('HSET', @allowance, 'tokens', tostring(tokens), 'refilled_at', now)
end
return { 0, math.ceil((calls - tokens) / rate), resetsAt }
