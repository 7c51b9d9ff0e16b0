-- Marks a user inactive. Their sessions stop working at once (lookups check status);
-- the revocation that deletes them runs as a job.
local u = load_user(A.id)
if not u then return fail('not_found', 'no such user') end
if A.actor == u.id then return fail('cannot_deactivate_self', 'you cannot deactivate yourself; ask another admin') end
local now = now_ms()
if u.status == 'inactive' then return reply({ user = with_session_count(u, now), changed = false }) end
if is_last_active_admin(u) then
  return fail('last_active_admin', 'this is the last active admin; promote another user first')
end
remove_from_lists(u)
u.status = 'inactive'
redis.call('HSET', k('user', u.id), 'status', u.status)
add_to_lists(u)
touch_version(u, now)
audit(now, 'user.deactivated', u.id, {})
return reply({ user = with_session_count(u, now), changed = true })
