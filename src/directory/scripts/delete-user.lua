-- Removes a user and every index entry, unless they are the actor, the last active admin,
-- or still have live sessions.
local u = load_user(A.id)
if not u then return fail('not_found', 'no such user') end
if A.actor == u.id then return fail('cannot_delete_self', 'you cannot delete yourself; ask another admin') end
if is_last_active_admin(u) then
  return fail('last_active_admin', 'this is the last active admin; promote another user first')
end
local now = now_ms()
if live_session_count(u.id, now) > 0 then
  return fail('active_sessions', 'the user is signed in; deactivate them first')
end
remove_indexes(u)
remove_from_lists(u)
remove_search(u)
redis.call('DEL', k('user', u.id), k('user', u.id, 'sessions'))
audit(now, 'user.deleted', u.id, { email = u.email, name = u.name })
return reply({ id = u.id })
