-- What the CRM said about its allowance, merged into the shared view.
-- KEYS: @allowance (the hash allowance-take.lua reads).
-- ARGV: @source ('answer': the usage reported on an answer; 'limits': the limits resource; 'spent': the CRM refused a
--       call for the allowance), @used, @limit, @resetsAt (ms, or '' when not told).
-- Answers of concurrent calls arrive in any order, so within one day an answer only ever raises the usage; the limits
-- resource is the CRM's own word and replaces it (after a reset, or an administrator's change).
-- Correctness does not rest on the clocks agreeing: a reset time is kept only while it lies ahead by Redis's clock.
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local used = tonumber(@used)
local limit = tonumber(@limit)
local resetsAt = tonumber(@resetsAt)
local state = redis.call('HMGET', @allowance, 'used', 'resets_at')
local knownUsed = tonumber(state[1])
local knownResetsAt = tonumber(state[2]) or 0

if @source == 'answer' and knownUsed and not (knownResetsAt > 0 and now >= knownResetsAt) then
  used = math.max(used, knownUsed)
end
if @source == 'spent' then
  used = math.max(used, limit)
end
redis.call('HSET', @allowance, 'used', used, 'limit', limit, 'observed_at', now)
if resetsAt and resetsAt > now then
  redis.call('HSET', @allowance, 'resets_at', resetsAt)
elseif resetsAt then
  -- The CRM names a day boundary this clock has passed: the CRM's clock runs behind. Its reset is not assumed by this
  -- clock (calls would be refused until the CRM's own day turns); the limits resource, read while paused, tells instead.
  redis.call('HDEL', @allowance, 'resets_at')
end
return used
