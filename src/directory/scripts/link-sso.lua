-- Makes a user an SSO user bound to a SAML NameID: their password is removed for good.
-- Refused if another user holds the NameID, or if this user is bound to another one: a binding
-- is final (rule 9), and checked here so that two assertions racing cannot both bind.
local u = load_user(A.id)
if not u then return fail('not_found', 'no such user') end
if u.nameId and u.nameId ~= A.nameId then
  return fail('saml_account_bound', 'this user is bound to another SAML NameID')
end
local owner = redis.call('HGET', k('idx', 'nameid'), A.nameId)
if owner and owner ~= u.id then return fail('conflict', 'another user holds this SAML NameID') end
local now = now_ms()
if u.kind == 'sso' and u.nameId == A.nameId then return reply(with_session_count(u, now)) end
local key = k('user', u.id)
remove_indexes(u)
-- The kind decides the SSO bitmaps (what SCIM sees), so the lists are rebuilt around the change.
remove_from_lists(u)
local wasPassword = u.kind == 'password'
u.kind, u.nameId, u.mustChangePassword = 'sso', A.nameId, nil
redis.call('HDEL', key, 'pw', 'pwp', 'mustChangePassword', 'tempPasswordSetAt')
redis.call('HSET', key, 'kind', 'sso', 'nameId', A.nameId)
add_indexes(u)
add_to_lists(u)
touch_version(u, now)
audit(now, 'user.linked_sso', u.id, { wasPasswordUser = wasPassword })
return reply(with_session_count(u, now))
