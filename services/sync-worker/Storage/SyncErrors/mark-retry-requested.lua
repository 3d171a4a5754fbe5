-- Notes an operator's retry on the sync-error entries that are still there (a sync that succeeded meanwhile has cleared
-- its entry), editing each entry in place so an error recorded at the same moment keeps its count, time and code.
-- KEYS: @errors the list (a hash: prospect id -> entry as JSON).
-- ARGV: @at (ISO 8601), @prospects (comma-separated prospect ids).
local marked = 0
for prospect in string.gmatch(@prospects, '[^,]+') do
  local current = redis.call('HGET', @errors, prospect)
  if current then
    local entry = cjson.decode(current)
    entry.retryRequestedAt = @at
    redis.call('HSET', @errors, prospect, cjson.encode(entry))
    marked = marked + 1
  end
end
return marked
