-- Marks a user active again; they sign in with the credentials they had. Sessions from before
-- stay ended (deactivation stamped them; stamping again covers users deactivated before it did).
local u = load_user(A.id)
if not u then return fail('not_found', 'no such user') end
local now = now_ms()
if u.status == 'active' then return reply({ user = with_session_count(u, now), changed = false }) end
remove_from_lists(u)
u.status = 'active'
redis.call('HSET', k('user', u.id), 'status', u.status)
end_all_sessions(u.id)
add_to_lists(u)
touch_version(u, now)
audit(now, 'user.activated', u.id, {})
return reply({ user = with_session_count(u, now), changed = true })
