-- Prefix search on email and name, within a filter (A.filter, a bitmap) if given, in creation
-- order after sequence A.after. Costs O(matching terms), never a scan of all users.
local now = now_ms()
local after = tonumber(A.after)
local bits = A.filter and k('bits', A.filter) or nil
local seen, matches, total = {}, {}, 0
local offset = 0
while true do
  local rows = redis.call('ZRANGE', k('search'), '[' .. A.q, '(' .. A.q .. '\255', 'BYLEX', 'LIMIT', offset, 500)
  for _, member in ipairs(rows) do
    local seq = tonumber(string.match(member, '%z(%d+)$'))
    if seq and not seen[seq] then
      seen[seq] = true
      if not bits or redis.call('GETBIT', bits, seq) == 1 then
        total = total + 1
        if seq > after then matches[#matches + 1] = seq end
      end
    end
  end
  if #rows < 500 then break end
  offset = offset + 500
end
table.sort(matches)
local users = {}
for i = 1, math.min(#matches, A.limit) do
  local u = load_user(id_of_seq(matches[i]))
  if u then users[#users + 1] = with_session_count(u, now) end
end
local out = { users = users, total = total }
if #matches > A.limit and #users > 0 then out.next = users[#users].seq end
return reply(out)
