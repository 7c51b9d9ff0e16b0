-- One page of a user list, ordered by creation. A: list (key suffix), after (sequence), limit.
local key = B .. ':' .. A.list
local now = now_ms()
local rows = redis.call('ZRANGE', key, '(' .. A.after, '+inf', 'BYSCORE', 'LIMIT', 0, A.limit + 1)
local users = {}
for i = 1, math.min(#rows, A.limit) do
  local u = load_user(rows[i])
  if u then users[#users + 1] = with_session_count(u, now) end
end
local out = { users = users, total = redis.call('ZCARD', key) }
if #rows > A.limit and #users > 0 then out.next = users[#users].seq end
return reply(out)
