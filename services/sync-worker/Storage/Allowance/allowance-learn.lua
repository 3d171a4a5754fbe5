-- What the CRM said about its allowance, merged into the shared view (the hash allowance-take.lua reads).
-- The figure is the newest usage the CRM reported plus the calls granted since. Answers of concurrent calls arrive in any
-- order and the CRM's count carries no order of its own once it can go down (an administrator resets it, its day turns),
-- so "newest" is by the stamp allowance-take.lua gave the call: a report is taken when its stamp is at least the one of
-- the report it replaces, and an older one is dropped. A report covers every call charged before it; a call granted
-- earlier and still in flight when it was sent may be charged after it, so those (@margin) are added to it. No clock
-- is compared: the stamps come from one counter in Redis.
-- KEYS: @allowance.
-- ARGV: @source ('answer': the usage on a call's answer; 'spent': the CRM refused a call for the allowance; 'limits': the
--       limits resource, read at @stamp; 'ended': a call ended with no usage reported; 'released': a reserved call
--       was not needed), @stamp, @margin, @used, @limit (both '' when not told), @resetsAt (ms, or '' when not told).
-- Returns 1 when the report was taken, 0 when a newer one was already known.
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local source = @source
local stamp = tonumber(@stamp)
if source ~= 'limits' then
  redis.call('HDEL', @allowance, 'in-flight:' .. stamp)
end
local reportedStamp = tonumber(redis.call('HGET', @allowance, 'reported_stamp')) or -1
if source == 'released' then
  -- Counted among the calls granted since the report until a newer report covers its stamp.
  if stamp > reportedStamp then
    redis.call('HSET', @allowance, 'released:' .. stamp, 1)
  end
  return 0
end
local used = tonumber(@used)
local limit = tonumber(@limit)
if source == 'ended' or not used or not limit then
  return 0
end

local taken = 0
if stamp >= reportedStamp then
  local base = used + tonumber(@margin)
  if source == 'spent' then
    base = math.max(base, limit)
  end
  redis.call('HSET', @allowance, 'base', base, 'reported_stamp', stamp, 'limit', limit, 'observed_at', now)
  -- Released calls at or below the new report are covered by it.
  local fields = redis.call('HKEYS', @allowance)
  for _, name in ipairs(fields) do
    local call = tonumber(string.match(name, '^released:(%d+)$'))
    if call and call <= stamp then
      redis.call('HDEL', @allowance, name)
    end
  end
  taken = 1
end

-- Correctness does not rest on the clocks agreeing: a reset time is kept only while it lies ahead by Redis's clock.
local resetsAt = tonumber(@resetsAt)
if resetsAt and resetsAt > now then
  redis.call('HSET', @allowance, 'resets_at', resetsAt)
elseif resetsAt then
  -- The CRM names a day boundary this clock has passed: the CRM's clock runs behind. Its reset is not assumed by this
  -- clock (calls would be refused until the CRM's own day turns); the limits resource, read while paused, tells instead.
  redis.call('HDEL', @allowance, 'resets_at')
end
return taken
