-- Changes profile fields, role and status in one write, or refuses and changes nothing.
-- A.changes: name/nameKey, email, userName/userNameKey ('' makes it the email again),
-- externalId/externalIdKey ('' clears it; not unique), mails (further SCIM email values, a JSON
-- list; '' clears them), role, scim, status. An SSO user's email may be '' (none). A.expectedVersion guards
-- against lost updates. A status change ends every session at once, as deactivate-user does.
local u = load_user(A.id)
if not u then return fail('not_found', 'no such user') end
if A.expectedVersion and A.expectedVersion ~= u.version then
  return fail('version_mismatch', 'the user was changed since version ' .. A.expectedVersion)
end
local c = A.changes
local now = now_ms()

-- The user as it will be.
local n = {}
for field, value in pairs(u) do n[field] = value end
for _, field in ipairs({ 'name', 'email', 'userName', 'externalId', 'mails' }) do
  if c[field] == '' then
    n[field], n[field .. 'Key'] = nil, nil
  elseif c[field] ~= nil then
    n[field], n[field .. 'Key'] = c[field], c[field .. 'Key']
  end
end
if c.role then n.role = c.role end
-- An IdP's write (A.keepLastAdminRole) never demotes the last active admin (rule 2): the rest
-- of it applies, the role stays, and an audit event says why.
local roleKept = A.keepLastAdminRole and n.role ~= u.role and is_last_active_admin(u)
if roleKept then n.role = u.role end
local function audit_role_kept()
  if roleKept then audit(now, 'user.role_kept', u.id, { reason = 'last_active_admin', requested = c.role }) end
end
if c.scim then n.scim = c.scim end
if c.status then n.status = c.status end
if n.userName == n.email then n.userName, n.userNameKey = nil, nil end
if not n.email and not n.userName then n.userName = u.email end
if not n.email and n.kind ~= 'sso' then return fail('validation_failed', 'only an SSO user may have no email') end

local STORED = { 'name', 'nameKey', 'email', 'userName', 'userNameKey', 'externalId', 'externalIdKey', 'mails', 'role', 'scim', 'status' }
local set, del, changed = {}, {}, {}
for _, field in ipairs(STORED) do
  if n[field] ~= u[field] then
    if n[field] == nil then del[#del + 1] = field else
      set[#set + 1] = field
      set[#set + 1] = n[field]
    end
    if not string.find(field, 'Key$') and field ~= 'status' and field ~= 'mails' then changed[#changed + 1] = field end
  end
end
if #set == 0 and #del == 0 then
  audit_role_kept()
  return reply(with_session_count(u, now))
end

if n.role ~= u.role then
  if A.actor == u.id then return fail('cannot_change_own_role', 'you cannot change your own role') end
  local refused = refuse_last_active_admin(u) if refused then return refused end
end
if n.status ~= u.status and n.status ~= 'active' then
  if A.actor == u.id then return fail('cannot_deactivate_self', 'you cannot deactivate yourself; ask another admin') end
  local refused = refuse_last_active_admin(u) if refused then return refused end
end
if n.email and n.email ~= u.email then
  local owner = redis.call('HGET', k('idx', 'email'), n.email)
  if owner and owner ~= u.id then return fail('email_taken', 'a user with this email already exists') end
end
local owner = username_owner(username_key(n))
if owner and owner ~= u.id then return fail('username_taken', 'a user with this userName already exists') end

remove_indexes(u)
remove_from_lists(u)
remove_search(u)
if #set > 0 then redis.call('HSET', k('user', u.id), unpack(set)) end
if #del > 0 then redis.call('HDEL', k('user', u.id), unpack(del)) end
add_indexes(n)
add_to_lists(n)
add_search(n)
if n.status ~= u.status then end_all_sessions(u.id) end
touch_version(n, now)

if #changed > 0 then
  local details = { fields = changed }
  if n.role ~= u.role then details.role = n.role end
  audit(now, n.role ~= u.role and 'user.role_changed' or 'user.updated', u.id, details)
end
if n.status ~= u.status then audit(now, n.status == 'active' and 'user.activated' or 'user.deactivated', u.id, {}) end
audit_role_kept()
return reply(with_session_count(n, now))
