-- One page of users in creation order, after sequence A.after. Unfiltered, the page comes
-- from the `users` sorted set; filtered (A.filter: status, role or status:role), from the
-- filter's bitmap: BITPOS jumps to the next member, so a deep page costs what the first does.
local now = now_ms()
local ids, total = {}, 0
if A.filter then
  local bits = k('bits', A.filter)
  total = redis.call('BITCOUNT', bits)
  local pos = A.after + 1
  while #ids <= A.limit do
    local seq = redis.call('BITPOS', bits, 1, pos, -1, 'BIT')
    if seq < 0 then break end
    ids[#ids + 1] = id_of_seq(seq)
    pos = seq + 1
  end
else
  total = redis.call('ZCARD', k('users'))
  local rows = redis.call('ZRANGE', k('users'), '(' .. A.after, '+inf', 'BYSCORE', 'LIMIT', 0, A.limit + 1)
  for i, id in ipairs(rows) do ids[i] = id end
end
local users = {}
for i = 1, math.min(#ids, A.limit) do
  local u = load_user(ids[i])
  if u then users[#users + 1] = with_session_count(u, now) end
end
local out = { users = users, total = total }
if #ids > A.limit and #users > 0 then out.next = users[#users].seq end
return reply(out)
