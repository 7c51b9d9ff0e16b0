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

local function fail(code, message)
  return redis.error_reply('RUNE ' .. code .. ' ' .. message)
end

local function load_user(id)
  local raw = redis.call('HGETALL', k('user', id))
  if #raw == 0 then return nil end
  local u = {}
  for i = 1, #raw, 2 do u[raw[i]] = raw[i + 1] end
  return u
end

-- The sorted sets a user is listed in: all, by status, by role, by status and role.
local function list_keys(u)
  return { k('users'), k('users', u.status), k('users', u.role), k('users', u.status, u.role) }
end

local function add_to_lists(u)
  for _, key in ipairs(list_keys(u)) do redis.call('ZADD', key, u.seq, u.id) end
  if u.status == 'active' and u.role == 'admin' then
    redis.call('SADD', k('admins', 'active'), u.id)
  else
    redis.call('SREM', k('admins', 'active'), u.id)
  end
end

local function remove_from_lists(u)
  for _, key in ipairs(list_keys(u)) do redis.call('ZREM', key, u.id) end
  redis.call('SREM', k('admins', 'active'), u.id)
end

-- Lower-cased index values. The caller stores *Key only where Unicode lower-casing
-- differs from Lua's ASCII string.lower, so both sides always agree.
local function index_entries(u)
  local entries = { { k('idx', 'email'), u.email } }
  if u.userName then
    entries[#entries + 1] = { k('idx', 'username'), u.userNameKey or string.lower(u.userName) }
  end
  if u.externalId then
    entries[#entries + 1] = { k('idx', 'externalid'), u.externalIdKey or string.lower(u.externalId) }
  end
  return entries
end

local function add_indexes(u)
  for _, e in ipairs(index_entries(u)) do redis.call('HSET', e[1], e[2], u.id) end
end

local function remove_indexes(u)
  for _, e in ipairs(index_entries(u)) do
    if redis.call('HGET', e[1], e[2]) == u.id then redis.call('HDEL', e[1], e[2]) end
  end
end

-- Prefix-search terms: the email, the whole name, and each later word of the name.
local function search_terms(u)
  local seen, terms = {}, {}
  local function add(t)
    if t ~= '' and not seen[t] then
      seen[t] = true
      terms[#terms + 1] = t
    end
  end
  add(u.email)
  local lname = u.nameKey or string.lower(u.name)
  add(lname)
  local first = true
  for word in string.gmatch(lname, '%S+') do
    if not first then add(word) end
    first = false
  end
  return terms
end

local function add_search(u)
  for _, t in ipairs(search_terms(u)) do redis.call('ZADD', k('search'), 0, t .. '\0' .. u.id) end
end

local function remove_search(u)
  for _, t in ipairs(search_terms(u)) do redis.call('ZREM', k('search'), t .. '\0' .. u.id) end
end

local function is_last_active_admin(u)
  return redis.call('SISMEMBER', k('admins', 'active'), u.id) == 1
    and redis.call('SCARD', k('admins', 'active')) <= 1
end

-- Drops sessions whose expiry has passed and answers how many are left.
local function live_session_count(id, now)
  local key = k('user', id, 'sessions')
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
  return redis.call('ZCARD', key)
end

local function audit(now, action, target, details)
  redis.call('XADD', k('audit'), 'MAXLEN', '~', A.auditMax or 100000, '*',
    'at', now, 'actor', A.actor or '', 'source', A.source or 'system',
    'action', action, 'target', target, 'details', cjson.encode(details or {}))
end

local function touch_version(u, now)
  u.version = tostring(tonumber(u.version or '0') + 1)
  u.updatedAt = tostring(now)
  redis.call('HSET', k('user', u.id), 'version', u.version, 'updatedAt', u.updatedAt)
end

local function with_session_count(u, now)
  u.activeSessions = redis.call('ZCOUNT', k('user', u.id, 'sessions'), '(' .. now, '+inf')
  return u
end

local function reply(t)
  return cjson.encode(t)
end
