-- Marks a user inactive and ends their sessions, in one step: from here on a lookup refuses
-- every session of theirs, and it stays refused if they are reactivated before the clean-up
-- job (which deletes the session keys) has run.
local u = load_user(A.id)
if not u then return fail('not_found', 'no such user') end
if A.actor == u.id then return fail('cannot_deactivate_self', 'you cannot deactivate yourself; ask another admin') end
local now = now_ms()
if u.status == 'inactive' then return reply({ user = with_session_count(u, now), changed = false }) end
local refused = refuse_last_active_admin(u) if refused then return refused end
remove_from_lists(u)
u.status = 'inactive'
redis.call('HSET', k('user', u.id), 'status', u.status)
end_all_sessions(u.id)
add_to_lists(u)
touch_version(u, now)
audit(now, 'user.deactivated', u.id, {})
return reply({ user = with_session_count(u, now), changed = true })
