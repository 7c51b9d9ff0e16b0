-- Finds one user by id or by a unique index (A.by: id, email, username, nameid); or, with
-- A.by externalid or mail (sets: not unique), every user holding the value, in creation order,
-- at most A.limit of them (A.value: the lower-cased value).
local now = now_ms()
if A.by == 'externalid' or A.by == 'mail' then
  local ids = redis.call('SMEMBERS', k('idx', A.by, A.value))
  if A.by == 'mail' then
    local holder = redis.call('HGET', k('idx', 'email'), A.value)
    if holder then ids[#ids + 1] = holder end
  end
  local users, seen = {}, {}
  for _, id in ipairs(ids) do
    if not seen[id] then
      seen[id] = true
      local u = load_user(id)
      if u then users[#users + 1] = with_session_count(u, now) end
    end
  end
  table.sort(users, function(a, b) return tonumber(a.seq) < tonumber(b.seq) end)
  local out = {}
  for i = 1, math.min(#users, A.limit or #users) do out[i] = users[i] end
  return reply({ users = out, total = #users })
end
local id = A.value
if A.by == 'username' then
  id = username_owner(A.value)
elseif A.by ~= 'id' then
  id = redis.call('HGET', k('idx', A.by), A.value)
end
if not id then return reply({}) end
local u = load_user(id)
if not u then return reply({}) end
return reply({ user = with_session_count(u, now) })
