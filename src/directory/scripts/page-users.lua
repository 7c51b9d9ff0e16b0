-- Users by offset in creation order (SCIM's startIndex/count), within a filter if given.
-- Unfiltered: rank access on the `users` sorted set. Filtered: the filter's bitmap, read by
-- lib.lua's page_of_bits: both O(log n) in the offset.
-- A: offset (0-based), count, filter (optional: a bitmap name such as 'active', 'sso', 'inactive:sso').
local now = now_ms()
local ids, total = {}, 0
if A.filter then
  local seqs
  seqs, total = page_of_bits(k('bits', A.filter), A.offset, A.count)
  for _, seq in ipairs(seqs) do ids[#ids + 1] = id_of_seq(seq) end
else
  total = redis.call('ZCARD', k('users'))
  if A.count > 0 then ids = redis.call('ZRANGE', k('users'), A.offset, A.offset + A.count - 1) end
end
local users = {}
for _, id in ipairs(ids) do
  local u = load_user(id)
  if u then users[#users + 1] = with_session_count(u, now) end
end
return reply({ users = users, total = total })
