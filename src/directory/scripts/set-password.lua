-- Replaces a password user's hash and clears or sets the must-change flag.
local u = load_user(A.id)
if not u then return fail('not_found', 'no such user') end
if u.kind ~= 'password' then return fail('sso_required', 'this user signs in through the identity provider') end
local now = now_ms()
redis.call('SET', k('user', u.id, 'password'), A.passwordHash)
u.mustChangePassword = A.mustChangePassword and '1' or '0'
redis.call('HSET', k('user', u.id), 'mustChangePassword', u.mustChangePassword)
touch_version(u, now)
audit(now, A.mustChangePassword and 'user.password_reset' or 'user.password_changed', u.id, {})
return reply(with_session_count(u, now))
