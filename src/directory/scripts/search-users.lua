-- Prefix search on email and name words, within a list (status/role filter), ordered by
-- creation. Costs O(matching terms), never a scan of all users.
local key = B .. ':' .. A.list
local now = now_ms()
local after = tonumber(A.after)
local seen, matches, total = {}, {}, 0
local offset = 0
while true do
  local rows = redis.call('ZRANGE', k('search'), '[' .. A.q, '(' .. A.q .. '\255', 'BYLEX', 'LIMIT', offset, 500)
  for _, member in ipairs(rows) do
    local id = string.match(member, '%z(.+)$')
    if id and not seen[id] then
      seen[id] = true
      local score = redis.call('ZSCORE', key, id)
      if score then
        total = total + 1
        score = tonumber(score)
        if score > after then matches[#matches + 1] = { score, id } end
      end
    end
  end
  if #rows < 500 then break end
  offset = offset + 500
end
table.sort(matches, function(a, b) return a[1] < b[1] end)
local users = {}
for i = 1, math.min(#matches, A.limit) do
  local u = load_user(matches[i][2])
  if u then users[#users + 1] = with_session_count(u, now) end
end
local out = { users = users, total = total }
if #matches > A.limit and #users > 0 then out.next = users[#users].seq end
return reply(out)
