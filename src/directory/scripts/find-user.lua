-- Finds one user by id or by an index (A.by: id, email, username, externalid, nameid).
local id = A.value
if A.by == 'username' then
  id = username_owner(A.value)
elseif A.by ~= 'id' then
  id = redis.call('HGET', k('idx', A.by), A.value)
end
if not id then return reply({}) end
local u = load_user(id)
if not u then return reply({}) end
return reply({ user = with_session_count(u, now_ms()) })
