-- Removes a user and every index entry, unless they are the actor or the last active admin.
-- A user with live sessions is refused (deactivate first: an inactive user's sessions are dead
-- already), except with A.evenIfSignedIn, for a SCIM DELETE, the IdP's explicit intent: deleting
-- the record ends every session at once, as lookups find no user. The keys of sessions still
-- unexpired stay for the clean-up job, under the user's session index (it expires with them);
-- the answer says how many there are.
local u = load_user(A.id)
if not u then return fail('not_found', 'no such user') end
if A.actor == u.id then return fail('cannot_delete_self', 'you cannot delete yourself; ask another admin') end
local refused = refuse_last_active_admin(u) if refused then return refused end
local now = now_ms()
local live = live_session_count(u.id, now)
if live > 0 and u.status == 'active' and not A.evenIfSignedIn then
  return fail('active_sessions', 'the user is signed in; deactivate them first')
end
remove_indexes(u)
remove_from_lists(u)
remove_search(u)
-- The user leaves every group (group-write.lua's keys): each one's members, version and audit.
for _, gid in ipairs(redis.call('SMEMBERS', k('user', u.id, 'groups'))) do
  if redis.call('SREM', k('group', gid, 'members'), u.id) == 1 and redis.call('EXISTS', k('group', gid)) == 1 then
    redis.call('HINCRBY', k('group', gid), 'version', 1)
    redis.call('HSET', k('group', gid), 'updatedAt', now)
    audit(now, 'group.member_removed', u.id, { group = gid, reason = 'user.deleted' })
  end
end
redis.call('DEL', k('user', u.id), k('user', u.id, 'groups'))
if live == 0 then redis.call('DEL', k('user', u.id, 'sessions')) end
audit(now, 'user.deleted', u.id, { email = u.email, name = u.name, sessionsEnded = live })
return reply({ id = u.id, sessionsLeft = live })
