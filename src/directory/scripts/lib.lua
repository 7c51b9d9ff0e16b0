-- Shared helpers, prepended to every directory script at load time.
-- KEYS[1] is the hash-tagged base ("{rune}"); every key a script touches is built from it,
-- so all of them live in one cluster slot. ARGV[1] is the call's JSON payload.
local B = KEYS[1]
local A = cjson.decode(ARGV[1])

local function k(...)
  return B .. ':' .. table.concat({ ... }, ':')
end

local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- Microseconds as a string (too many digits for Lua's number formatting), for session stamps:
-- a session is valid only if its validFrom is after its user's sessionsNotBefore.
local function now_us()
  local t = redis.call('TIME')
  return t[1] .. string.rep('0', 6 - #t[2]) .. t[2]
end

local function session_ended(validFrom, notBefore)
  return notBefore ~= nil and (validFrom == nil or tonumber(validFrom) <= tonumber(notBefore))
end

-- Ends every session the user has now, for good: lookups refuse them even if the user is
-- active again before the job that deletes their keys has run.
local function end_all_sessions(id)
  redis.call('HSET', k('user', id), 'sessionsNotBefore', now_us())
end

local function fail(code, message)
  return redis.error_reply('RUNE ' .. code .. ' ' .. message)
end

-- Fields that never leave Redis with a profile: the packed password hash.
local SECRET_FIELDS = { pw = true, pwp = true }

local function load_user(id)
  local raw = redis.call('HGETALL', k('user', id))
  if #raw == 0 then return nil end
  local u = { id = id }
  for i = 1, #raw, 2 do
    if not SECRET_FIELDS[raw[i]] then u[raw[i]] = raw[i + 1] end
  end
  return u
end

-- Filters by status, role and both are bitmaps over the creation sequence: a bit costs
-- nothing per user, where a sorted-set entry costs over 100 bytes. `users` (a sorted set
-- of id by sequence) maps a sequence back to an id. SSO users (the ones SCIM manages) have
-- bitmaps of their own, alone and by status, so SCIM pages them without a scan.
local function filter_keys(u)
  local keys = { k('bits', u.status), k('bits', u.role), k('bits', u.status, u.role) }
  if u.kind == 'sso' then
    keys[#keys + 1] = k('bits', 'sso')
    keys[#keys + 1] = k('bits', u.status, 'sso')
  end
  return keys
end

local function add_to_lists(u)
  redis.call('ZADD', k('users'), u.seq, u.id)
  for _, key in ipairs(filter_keys(u)) do redis.call('SETBIT', key, u.seq, 1) end
  if u.status == 'active' and u.role == 'admin' then
    redis.call('SADD', k('admins', 'active'), u.id)
  else
    redis.call('SREM', k('admins', 'active'), u.id)
  end
end

local function remove_from_lists(u)
  redis.call('ZREM', k('users'), u.id)
  for _, key in ipairs(filter_keys(u)) do redis.call('SETBIT', key, u.seq, 0) end
  redis.call('SREM', k('admins', 'active'), u.id)
end

local function id_of_seq(seq)
  return redis.call('ZRANGE', k('users'), seq, seq, 'BYSCORE', 'LIMIT', 0, 1)[1]
end

-- Lower-cased index values. The caller stores *Key only where Unicode lower-casing
-- differs from Lua's ASCII string.lower, so both sides always agree.
-- A userName is stored only where it differs from the email; otherwise it is the email.
-- The sequences of a bitmap's set bits number offset+1 .. offset+count, and how many bits are
-- set: the byte holding the (offset+1)-th set bit by a binary search over BITCOUNT of byte
-- ranges, then the bytes read a chunk at a time (not a BITPOS per bit): O(log n + count).
local function page_of_bits(bits, offset, count)
  local total, seqs = redis.call('BITCOUNT', bits), {}
  if offset >= total or count <= 0 then return seqs, total end
  local lo, hi = 0, redis.call('STRLEN', bits) - 1
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    if redis.call('BITCOUNT', bits, 0, mid) > offset then hi = mid else lo = mid + 1 end
  end
  local skip = offset - (lo > 0 and redis.call('BITCOUNT', bits, 0, lo - 1) or 0)
  local at, CHUNK = lo, 64
  while #seqs < count do
    local bytes = redis.call('GETRANGE', bits, at, at + CHUNK - 1)
    if #bytes == 0 then break end
    for i = 1, #bytes do
      local byte = string.byte(bytes, i)
      if byte ~= 0 then
        for b = 7, 0, -1 do
          if bit.band(byte, bit.lshift(1, b)) ~= 0 then
            if skip > 0 then skip = skip - 1 elseif #seqs < count then seqs[#seqs + 1] = (at + i - 1) * 8 + (7 - b) end
          end
        end
      end
      if #seqs >= count then break end
    end
    at = at + CHUNK
  end
  return seqs, total
end

local function username_key(u)
  if u.userName then return u.userNameKey or string.lower(u.userName) end
  return u.email
end

-- Unique indexes (hashes of value -> id). An SSO user may have no email (an IdP sent none).
local function index_entries(u)
  local entries = {}
  if u.email then entries[1] = { k('idx', 'email'), u.email } end
  if u.userName then entries[#entries + 1] = { k('idx', 'username'), username_key(u) } end
  -- A SAML NameID is opaque: indexed exactly as the IdP sends it.
  if u.nameId then entries[#entries + 1] = { k('idx', 'nameid'), u.nameId } end
  return entries
end

-- Indexes that are sets of ids: an externalId (RFC 7643: the client's identifier, not unique),
-- and each lower-cased SCIM `emails` value besides the directory email (u.mails, a JSON list).
local function set_entries(u)
  local keys = {}
  if u.externalId then keys[1] = k('idx', 'externalid', u.externalIdKey or string.lower(u.externalId)) end
  if u.mails then
    for _, address in ipairs(cjson.decode(u.mails)) do keys[#keys + 1] = k('idx', 'mail', address) end
  end
  return keys
end

local function add_indexes(u)
  for _, e in ipairs(index_entries(u)) do redis.call('HSET', e[1], e[2], u.id) end
  for _, key in ipairs(set_entries(u)) do redis.call('SADD', key, u.id) end
end

local function remove_indexes(u)
  for _, e in ipairs(index_entries(u)) do
    if redis.call('HGET', e[1], e[2]) == u.id then redis.call('HDEL', e[1], e[2]) end
  end
  for _, key in ipairs(set_entries(u)) do redis.call('SREM', key, u.id) end
end

-- Who holds a userName: an explicit one, or a user whose userName is their email.
local function username_owner(key)
  local id = redis.call('HGET', k('idx', 'username'), key)
  if id then return id end
  id = redis.call('HGET', k('idx', 'email'), key)
  if id and redis.call('HEXISTS', k('user', id), 'userName') == 0 then return id end
  return nil
end

-- Prefix-search terms, each stored as term NUL sequence: the email and the whole name.
local function search_members(u)
  local lname = u.nameKey or string.lower(u.name)
  local members = { lname .. '\0' .. u.seq }
  if u.email and lname ~= u.email then members[2] = u.email .. '\0' .. u.seq end
  return members
end

local function add_search(u)
  for _, m in ipairs(search_members(u)) do redis.call('ZADD', k('search'), 0, m) end
end

local function remove_search(u)
  for _, m in ipairs(search_members(u)) do redis.call('ZREM', k('search'), m) end
end

local function is_last_active_admin(u)
  return redis.call('SISMEMBER', k('admins', 'active'), u.id) == 1
    and redis.call('SCARD', k('admins', 'active')) <= 1
end

-- The last-admin rule (the last active admin is never deactivated, demoted or deleted) and its
-- refusal, in one place: the refusal when u is that admin, else nil. Its words for people are
-- in src/refusals.ts.
local function refuse_last_active_admin(u)
  if is_last_active_admin(u) then
    return fail('last_active_admin', 'this is the last active admin: promote another user to admin first')
  end
end

-- Drops sessions whose expiry has passed and answers how many are left.
local function live_session_count(id, now)
  local key = k('user', id, 'sessions')
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
  return redis.call('ZCARD', key)
end

-- A user's name now, or nil (HGET answers false for a missing field).
local function name_of(id)
  if type(id) ~= 'string' or id == '' then return nil end
  return redis.call('HGET', k('user', id), 'name') or nil
end

-- A.actorName: who the actor is when it is no user (the SCIM token's name). The event keeps the
-- actor's and the target's names as they were, so the trail reads in words after a rename or a
-- deletion (a deleted user's name comes from the details); queries/list-audit.ts reads them.
local function audit(now, action, target, details)
  local fields = { 'at', now, 'actor', A.actor or '', 'source', A.source or 'system',
    'action', action, 'target', target, 'details', cjson.encode(details or {}) }
  local actorName = A.actorName or name_of(A.actor)
  if actorName then
    fields[#fields + 1] = 'actorName'
    fields[#fields + 1] = actorName
  end
  local targetName = name_of(target) or (details and type(details.name) == 'string' and details.name) or nil
  if targetName then
    fields[#fields + 1] = 'targetName'
    fields[#fields + 1] = targetName
  end
  redis.call('XADD', k('audit'), 'MAXLEN', '~', A.auditMax or 100000, '*', unpack(fields))
end

local function touch_version(u, now)
  u.version = tostring(tonumber(u.version or '0') + 1)
  u.updatedAt = tostring(now)
  redis.call('HSET', k('user', u.id), 'version', u.version, 'updatedAt', u.updatedAt)
end

-- An inactive user's sessions are ended (see end_all_sessions) even while the clean-up job
-- has yet to delete their keys, so none of them counts as active.
local function with_session_count(u, now)
  local key = k('user', u.id, 'sessions')
  if u.status ~= 'active' then
    u.activeSessions, u.sessionsToCleanUp = 0, redis.call('ZCARD', key)
  else
    u.activeSessions, u.sessionsToCleanUp = redis.call('ZCOUNT', key, '(' .. now, '+inf'), 0
  end
  return u
end

local function reply(t)
  return cjson.encode(t)
end
