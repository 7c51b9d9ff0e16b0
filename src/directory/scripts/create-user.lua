-- Creates a user if email and userName are free (an externalId need not be: RFC 7643 makes
-- it the client's identifier, and several users may share one). An SSO user may have no email.
-- A.user holds the record (u.mails: a JSON list of further SCIM email values, indexed);
-- A.pw / A.pwp the packed password hash (see password-codec.ts).
local u = A.user
local now = now_ms()

if A.onlyIfEmpty and redis.call('ZCARD', k('users')) > 0 then
  return fail('already_set_up', 'the directory already has users')
end
if not u.email and not u.userName then
  return fail('validation_failed', 'a user needs an email or a userName')
end
if u.email and redis.call('HEXISTS', k('idx', 'email'), u.email) == 1 then
  return fail('email_taken', 'a user with this email already exists')
end
if username_owner(username_key(u)) then
  return fail('username_taken', 'a user with this userName already exists')
end
if u.nameId and redis.call('HEXISTS', k('idx', 'nameid'), u.nameId) == 1 then
  return fail('conflict', 'a user with this SAML NameID already exists')
end
if redis.call('EXISTS', k('user', u.id)) == 1 then
  return fail('conflict', 'a user with this id already exists')
end

u.seq = tostring(redis.call('INCR', k('seq')))
u.createdAt = tostring(now)
u.updatedAt = u.createdAt
u.version = '1'
-- A temporary password expires (TEMP_PASSWORD_TTL) counting from here.
if u.mustChangePassword then u.tempPasswordSetAt = u.createdAt end

local fields = {}
for field, value in pairs(u) do
  if field ~= 'id' then
    fields[#fields + 1] = field
    fields[#fields + 1] = tostring(value)
  end
end
if A.pw then
  fields[#fields + 1] = 'pw'
  fields[#fields + 1] = A.pw
  if A.pwp then
    fields[#fields + 1] = 'pwp'
    fields[#fields + 1] = A.pwp
  end
end
redis.call('HSET', k('user', u.id), unpack(fields))

add_indexes(u)
add_to_lists(u)
add_search(u)
audit(now, 'user.created', u.id, { email = u.email, name = u.name, role = u.role, kind = u.kind, status = u.status })

u.activeSessions = 0
return reply(u)
