-- Helpers of the group scripts (group-*.lua), prepended after lib.lua (scripts.ts).
-- Keys (keys.ts): group:<id> (hash), group:<id>:members (set of user ids), user:<id>:groups
-- (set of group ids, the reverse index), groups (sorted set of id by seq), groups:seq,
-- idx:group-name (hash: lower-cased displayName -> id), idx:group-externalid:<externalId>
-- (set of ids), groups:admin (hash: id of a group SCIM_ADMIN_GROUPS names -> the name it was
-- recognised by).
--
-- A.adminNames: SCIM_ADMIN_GROUPS lower-cased; A.adminRoles: SCIM_ADMIN_ROLES lower-cased.

local ADMIN_NAMES = {}
for _, name in ipairs(A.adminNames or {}) do ADMIN_NAMES[name] = true end
local ADMIN_ROLES, ROLE_MAPPING = {}, false
for _, role in ipairs(A.adminRoles or {}) do
  ADMIN_ROLES[role] = true
  ROLE_MAPPING = true
end

local GROUP_FIELDS = { 'displayName', 'nameKey', 'externalId', 'externalIdKey', 'version', 'createdAt', 'updatedAt', 'seq' }

local function load_group(id)
  local raw = redis.call('HMGET', k('group', id), unpack(GROUP_FIELDS))
  if not raw[1] then return nil end
  local g = { id = id }
  for i, field in ipairs(GROUP_FIELDS) do
    if raw[i] then g[field] = raw[i] end
  end
  return g
end

local function externalid_key(value)
  return k('idx', 'group-externalid', value)
end

-- The name of SCIM_ADMIN_GROUPS a group answers to (its id, displayName or externalId), if any.
local function configured_name(g)
  if ADMIN_NAMES[g.id] then return g.id end
  if g.nameKey and ADMIN_NAMES[g.nameKey] then return g.nameKey end
  if g.externalIdKey and ADMIN_NAMES[g.externalIdKey] then return g.externalIdKey end
  return nil
end

-- Whether the group makes its members admins, and whether it was recognised just now. Once seen
-- under a configured name, the group is held by id: a rename keeps it an admin group for as long
-- as SCIM_ADMIN_GROUPS still holds the name it was recognised by.
local function admin_group(g)
  if next(ADMIN_NAMES) == nil then return false, false end
  local seen = redis.call('HGET', k('groups', 'admin'), g.id)
  if seen and ADMIN_NAMES[seen] then return true, false end
  local name = configured_name(g)
  if not name then return false, false end
  redis.call('HSET', k('groups', 'admin'), g.id, name)
  return true, seen == false or seen == nil
end

-- SCIM_ADMIN_ROLES on, and the stored SCIM roles hold one of its values.
local function roles_say_admin(u)
  if not ROLE_MAPPING or not u.scim then return false end
  local ok, doc = pcall(cjson.decode, u.scim)
  if not ok or type(doc) ~= 'table' then return false end
  for key, roles in pairs(doc) do
    if type(key) == 'string' and string.lower(key) == 'roles' and type(roles) == 'table' then
      for _, r in ipairs(roles) do
        if type(r) == 'table' and type(r.value) == 'string' and ADMIN_ROLES[string.lower(r.value)] then return true end
      end
    end
  end
  return false
end

local function in_admin_group(uid)
  for _, gid in ipairs(redis.call('SMEMBERS', k('user', uid, 'groups'))) do
    local g = load_group(gid)
    if g and admin_group(g) then return true end
  end
  return false
end

-- The role an SSO user's groups (and SCIM roles) give them: admin if an admin group holds them or
-- their roles say admin. The last active admin is never demoted: role kept, audited.
local function apply_group_role(uid, now, gid)
  local u = load_user(uid)
  if not u or u.kind ~= 'sso' then return end
  local want = (in_admin_group(uid) or roles_say_admin(u)) and 'admin' or 'user'
  if want == u.role then return end
  if want == 'user' and is_last_active_admin(u) then
    audit(now, 'user.role_kept', u.id, { reason = 'last_active_admin', requested = 'user', group = gid })
    return
  end
  remove_from_lists(u)
  u.role = want
  redis.call('HSET', k('user', u.id), 'role', want)
  add_to_lists(u)
  touch_version(u, now)
  audit(now, 'user.role_changed', u.id, { fields = { 'role' }, role = want, group = gid })
end

-- A.ifMatch: the versions If-Match accepts (absent: any).
local function version_refused(g)
  if not A.ifMatch then return nil end
  for _, v in ipairs(A.ifMatch) do
    if v == g.version then return nil end
  end
  return fail('version_mismatch', 'the group changed: its version is W/"' .. g.version .. '"')
end

-- The first member value that is no SCIM-visible (SSO) user, or nil.
local function invalid_member(ids)
  for _, uid in ipairs(ids) do
    if redis.call('HGET', k('user', uid), 'kind') ~= 'sso' then return uid end
  end
  return nil
end
