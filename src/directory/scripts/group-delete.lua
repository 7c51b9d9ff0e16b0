-- Deletes a group: its members leave it (their reverse index entries go), its indexes go, and
-- when it was an admin group its members' roles are worked out again (group-lib.lua). One audit
-- event says how many members it had.
local g = load_group(A.id)
if not g then return fail('not_found', 'no group with id ' .. A.id) end
local refused = version_refused(g) if refused then return refused end
local now = now_ms()
local isAdmin = admin_group(g)
local members = redis.call('SMEMBERS', k('group', g.id, 'members'))
for _, uid in ipairs(members) do redis.call('SREM', k('user', uid, 'groups'), g.id) end
redis.call('DEL', k('group', g.id, 'members'), k('group', g.id))
if g.nameKey and redis.call('HGET', k('idx', 'group-name'), g.nameKey) == g.id then
  redis.call('HDEL', k('idx', 'group-name'), g.nameKey)
end
if g.externalId then redis.call('SREM', externalid_key(g.externalId), g.id) end
redis.call('ZREM', k('groups'), g.id)
redis.call('HDEL', k('groups', 'admin'), g.id)
audit(now, 'group.deleted', g.id, { displayName = g.displayName, members = #members })
if isAdmin then
  for _, uid in ipairs(members) do apply_group_role(uid, now, g.id) end
end
return reply({ id = g.id, members = #members })
