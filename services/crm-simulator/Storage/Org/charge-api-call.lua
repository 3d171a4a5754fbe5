-- Counts one API call against a CRM day's allowance, unless the allowance is spent: refused calls are not counted.
-- KEYS: 1 the day's usage counter. ARGV: 1 the daily allowance, 2 seconds the counter outlives its day.
-- Returns {1, calls used} when counted, {0, calls used} when refused.
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
if used >= tonumber(ARGV[1]) then
  return {0, used}
end
used = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return {1, used}
