-- Replaces a password user's hash (A.pw / A.pwp, packed) and sets or clears the must-change flag
-- with the time the temporary password was set (it expires after TEMP_PASSWORD_TTL).
local u = load_user(A.id)
if not u then return fail('not_found', 'no such user') end
if u.kind ~= 'password' then return fail('sso_required', 'this user signs in through the identity provider') end
-- A user's own change (A.session: the hash of the session making it) is refused once that
-- session has ended: an admin's reset, a deactivation or a revocation that ended it while the new
-- password was being hashed wins, and the user signs in again.
if A.session then
  local s = redis.call('HMGET', k('session', A.session), 'userId', 'validFrom')
  if s[1] ~= u.id or session_ended(s[2], u.sessionsNotBefore) then
    return fail('session_ended', 'the session changing the password has ended')
  end
end
local now = now_ms()
local key = k('user', u.id)
redis.call('HSET', key, 'pw', A.pw)
if A.pwp then redis.call('HSET', key, 'pwp', A.pwp) else redis.call('HDEL', key, 'pwp') end
if A.mustChangePassword then
  u.mustChangePassword, u.tempPasswordSetAt = '1', tostring(now)
  redis.call('HSET', key, 'mustChangePassword', '1', 'tempPasswordSetAt', u.tempPasswordSetAt)
else
  u.mustChangePassword, u.tempPasswordSetAt = nil, nil
  redis.call('HDEL', key, 'mustChangePassword', 'tempPasswordSetAt')
end
touch_version(u, now)
audit(now, A.mustChangePassword and 'user.password_reset' or 'user.password_changed', u.id, {})
return reply(with_session_count(u, now))
