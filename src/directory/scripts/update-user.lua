-- Changes profile fields and role. A.changes: name/nameKey, email, userName/userNameKey,
-- externalId/externalIdKey ('' clears it), role, scim. A.expectedVersion guards lost updates.
local u = load_user(A.id)
if not u then return fail('not_found', 'no such user') end
if A.expectedVersion and A.expectedVersion ~= u.version then
  return fail('version_mismatch', 'the user was changed since version ' .. A.expectedVersion)
end
local c = A.changes
local now = now_ms()

if c.role and c.role ~= u.role then
  if A.actor == u.id then return fail('cannot_change_own_role', 'you cannot change your own role') end
  if u.role == 'admin' and is_last_active_admin(u) then
    return fail('last_active_admin', 'this is the last active admin; promote another user first')
  end
end
if c.email and c.email ~= u.email then
  local owner = redis.call('HGET', k('idx', 'email'), c.email)
  if owner and owner ~= u.id then return fail('email_taken', 'a user with this email already exists') end
end
if c.userName and c.userName ~= '' then
  local owner = redis.call('HGET', k('idx', 'username'), c.userNameKey or string.lower(c.userName))
  if owner and owner ~= u.id then return fail('username_taken', 'a user with this userName already exists') end
end
if c.externalId and c.externalId ~= '' then
  local owner = redis.call('HGET', k('idx', 'externalid'), c.externalIdKey or string.lower(c.externalId))
  if owner and owner ~= u.id then return fail('external_id_taken', 'a user with this externalId already exists') end
end

-- Work out what really changes; a key field clears its *Key companion too.
local set, del, changed = {}, {}, {}
local function change(field, value)
  if value == nil or value == u[field] then return end
  changed[#changed + 1] = field
  if value == '' then del[#del + 1] = field else set[field] = value end
end
change('name', c.name)
change('email', c.email)
change('userName', c.userName)
change('externalId', c.externalId)
change('role', c.role)
change('scim', c.scim)
for _, field in ipairs({ 'name', 'userName', 'externalId' }) do
  if c[field] ~= nil and c[field] ~= u[field] then
    local key = c[field .. 'Key']
    if key and c[field] ~= '' then set[field .. 'Key'] = key else del[#del + 1] = field .. 'Key' end
  end
end
if #changed == 0 then return reply(with_session_count(u, now)) end

remove_indexes(u)
remove_from_lists(u)
remove_search(u)
for field, value in pairs(set) do u[field] = value end
for _, field in ipairs(del) do u[field] = nil end
local fields = {}
for field, value in pairs(set) do
  fields[#fields + 1] = field
  fields[#fields + 1] = value
end
if #fields > 0 then redis.call('HSET', k('user', u.id), unpack(fields)) end
if #del > 0 then redis.call('HDEL', k('user', u.id), unpack(del)) end
add_indexes(u)
add_to_lists(u)
add_search(u)
touch_version(u, now)

local details = { fields = changed }
if set.role then details.role = set.role end
audit(now, set.role and 'user.role_changed' or 'user.updated', u.id, details)
return reply(with_session_count(u, now))
