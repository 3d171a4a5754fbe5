-- Commits records together with their change feed entries, all or nothing: a record is never written without its entry,
-- nor an entry appended for a record that was not written. Each record's version is checked first (optimistic locking).
--
-- KEYS: 1 feed head (the last position given), 2 feed (a sorted set scored by position), 3 feed floor (the last position
--       retention removed); then, for each write: its record key, its object's id set, the index keys it leaves, the
--       index keys it joins.
-- ARGV: 1 number of writes, 2 entries the feed keeps; then, for each write, six values: record id, expected version
--       (0: must not exist), record json ('' leaves the record as it is), number of index keys it leaves, number it joins,
--       feed entry json without its position ('' for none).
-- Returns {1, position or 0 per write} once committed, or {0, index of the write whose version did not match}.

local writes = tonumber(ARGV[1])
local retained = tonumber(ARGV[2])

local plan = {}
local k, a = 4, 3
for i = 1, writes do
  local leave, join = tonumber(ARGV[a + 3]), tonumber(ARGV[a + 4])
  local current = redis.call('GET', KEYS[k])
  local version = current and tonumber(string.match(current, '^(%d+)|')) or 0
  if version ~= tonumber(ARGV[a + 1]) then
    return {0, i}
  end
  plan[i] = {k, a, leave, join}
  k = k + 2 + leave + join
  a = a + 6
end

local result = {1}
for i = 1, writes do
  local key, arg, leave, join = plan[i][1], plan[i][2], plan[i][3], plan[i][4]
  local id, record, entry = ARGV[arg], ARGV[arg + 2], ARGV[arg + 5]
  if record ~= '' then
    redis.call('SET', KEYS[key], (tonumber(ARGV[arg + 1]) + 1) .. '|' .. record)
    redis.call('SADD', KEYS[key + 1], id)
    for j = key + 2, key + 1 + leave do
      redis.call('SREM', KEYS[j], id)
    end
    for j = key + 2 + leave, key + 1 + leave + join do
      redis.call('SADD', KEYS[j], id)
    end
  end
  if entry ~= '' then
    local position = redis.call('INCR', KEYS[1])
    redis.call('ZADD', KEYS[2], position, '{"position":' .. position .. ',' .. string.sub(entry, 2))
    result[i + 1] = position
  else
    result[i + 1] = 0
  end
end

local floor = tonumber(redis.call('GET', KEYS[1]) or '0') - retained
if floor > tonumber(redis.call('GET', KEYS[3]) or '0') then
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', floor)
  redis.call('SET', KEYS[3], floor)
end
return result
