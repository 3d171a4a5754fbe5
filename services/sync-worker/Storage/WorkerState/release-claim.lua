-- Releases a prospect's claim only when the batch releasing it still holds it: a claim that expired and was taken
-- by another batch stays with that batch.
-- KEYS: @key the claim; ARGV: @owner the releasing batch.
if redis.call('GET', @key) == @owner then
  return redis.call('DEL', @key)
end
return 0
