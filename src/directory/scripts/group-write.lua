-- Creates (A.create) or changes a group in one atomic step, or refuses and changes nothing.
-- A.displayName/nameKey (a new name), A.externalId ('' clears), A.add and A.remove (user ids),
-- A.replace (the whole member list: PUT, or a PATCH replace of members). Every added member is
-- checked first: one that is no SSO user refuses the whole write. Adding or removing k members
-- costs O(k) whatever the group's size; only A.replace reads the current members.
local now = now_ms()
local g
if A.create then
  if redis.call('EXISTS', k('group', A.id)) == 1 then return fail('conflict', 'a group with this id exists') end
  g = { id = A.id, version = '0', createdAt = tostring(now) }
else
  g = load_group(A.id)
  if not g then return fail('not_found', 'no group with id ' .. A.id) end
  local refused = version_refused(g) if refused then return refused end
end
local before = { displayName = g.displayName, nameKey = g.nameKey, externalId = g.externalId }

-- The group as it will be, checked.
if A.displayName then
  local owner = redis.call('HGET', k('idx', 'group-name'), A.nameKey)
  if owner and owner ~= g.id then
    return fail('group_name_taken', 'a group with the displayName "' .. A.displayName .. '" exists')
  end
  g.displayName, g.nameKey = A.displayName, A.nameKey
end
if A.externalId == '' then
  g.externalId, g.externalIdKey = nil, nil
elseif A.externalId then
  g.externalId, g.externalIdKey = A.externalId, A.externalIdKey
end
local adding = A.replace or A.add or {}
local bad = invalid_member(adding)
if bad then
  return fail('group_member_invalid', 'members: "' .. bad .. '" is no user this identity provider manages')
end

-- Membership: what changes.
local members = k('group', g.id, 'members')
local added, removed = {}, {}
if A.replace then
  local wanted = {}
  for _, uid in ipairs(A.replace) do wanted[uid] = true end
  for _, uid in ipairs(A.create and {} or redis.call('SMEMBERS', members)) do
    if wanted[uid] then wanted[uid] = nil else removed[#removed + 1] = uid end
  end
  for _, uid in ipairs(A.replace) do
    if wanted[uid] then
      added[#added + 1] = uid
      wanted[uid] = nil
    end
  end
else
  local seen = {}
  for _, uid in ipairs(A.add or {}) do
    if not seen[uid] and redis.call('SISMEMBER', members, uid) == 0 then added[#added + 1] = uid end
    seen[uid] = true
  end
  for _, uid in ipairs(A.remove or {}) do
    if not seen[uid] and redis.call('SISMEMBER', members, uid) == 1 then removed[#removed + 1] = uid end
    seen[uid] = true
  end
end

-- Writes.
local fields = {}
if g.nameKey ~= before.nameKey then
  if before.nameKey and redis.call('HGET', k('idx', 'group-name'), before.nameKey) == g.id then
    redis.call('HDEL', k('idx', 'group-name'), before.nameKey)
  end
  redis.call('HSET', k('idx', 'group-name'), g.nameKey, g.id)
end
if g.displayName ~= before.displayName then fields[#fields + 1] = 'displayName' end
if g.externalId ~= before.externalId then
  if before.externalId then redis.call('SREM', externalid_key(before.externalId), g.id) end
  if g.externalId then redis.call('SADD', externalid_key(g.externalId), g.id) end
  fields[#fields + 1] = 'externalId'
end
local key = k('group', g.id)
if A.create then
  g.seq = tostring(redis.call('INCR', k('groups', 'seq')))
  redis.call('ZADD', k('groups'), g.seq, g.id)
end
for _, uid in ipairs(added) do
  redis.call('SADD', members, uid)
  redis.call('SADD', k('user', uid, 'groups'), g.id)
  audit(now, 'group.member_added', uid, { group = g.id, displayName = g.displayName })
end
for _, uid in ipairs(removed) do
  redis.call('SREM', members, uid)
  redis.call('SREM', k('user', uid, 'groups'), g.id)
  audit(now, 'group.member_removed', uid, { group = g.id, displayName = g.displayName })
end
local changed = A.create or #fields > 0 or #added > 0 or #removed > 0
if changed then
  g.version = tostring(tonumber(g.version) + 1)
  g.updatedAt = tostring(now)
  local set = { 'displayName', g.displayName, 'nameKey', g.nameKey, 'version', g.version,
    'createdAt', g.createdAt, 'updatedAt', g.updatedAt, 'seq', g.seq }
  if g.externalId then
    set[#set + 1], set[#set + 2] = 'externalId', g.externalId
    set[#set + 1], set[#set + 2] = 'externalIdKey', g.externalIdKey
  else
    redis.call('HDEL', key, 'externalId', 'externalIdKey')
  end
  redis.call('HSET', key, unpack(set))
end
if A.create then
  audit(now, 'group.created', g.id, { displayName = g.displayName, members = #added })
elseif #fields > 0 then
  audit(now, 'group.updated', g.id, { fields = fields, displayName = g.displayName })
end

-- Roles: only an admin group's members can change role.
local isAdmin, recognised = admin_group(g)
if isAdmin then
  if recognised and not A.create then
    for _, uid in ipairs(redis.call('SMEMBERS', members)) do apply_group_role(uid, now, g.id) end
  else
    for _, uid in ipairs(added) do apply_group_role(uid, now, g.id) end
  end
  for _, uid in ipairs(removed) do apply_group_role(uid, now, g.id) end
end

g.members = redis.call('SCARD', members)
g.admin = isAdmin
g.nameKey, g.externalIdKey = nil, nil
return reply(g)
