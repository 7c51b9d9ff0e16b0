-- Hands a password user over to the identity provider: their password (and any temporary one)
-- is removed, they become an SSO user that SCIM manages, and every session ends at once.
-- Deleting the ended sessions' keys is the revocation job's work.
local u = load_user(A.id)
if not u then return fail('not_found', 'no such user') end
if u.kind == 'sso' then return fail('already_sso', 'this user already signs in through the identity provider') end
local now = now_ms()
local key = k('user', u.id)
-- The kind decides the SSO bitmaps (what SCIM sees), so the lists are rebuilt around the change.
remove_from_lists(u)
u.kind, u.mustChangePassword = 'sso', nil
redis.call('HDEL', key, 'pw', 'pwp', 'mustChangePassword', 'tempPasswordSetAt')
redis.call('HSET', key, 'kind', 'sso', 'sessionsNotBefore', now_us())
add_to_lists(u)
touch_version(u, now)
audit(now, 'user.converted_to_sso', u.id, { email = u.email })
return reply(with_session_count(u, now))
