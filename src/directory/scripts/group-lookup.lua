-- The ids of groups by an index: A.by = 'name' (lower-cased displayName), 'externalId' (exact),
-- 'member' (a user id: the reverse index), 'page' (A.offset, A.count in creation order, and the
-- total), 'ofUsers' (A.users: each user's groups as [id, displayName] pairs), or 'inAdminGroup'
-- (whether a SCIM_ADMIN_GROUPS group holds the user A.value).
if A.by == 'name' then
  local id = redis.call('HGET', k('idx', 'group-name'), A.value)
  return cjson.encode({ ids = id and { id } or {} })
elseif A.by == 'externalId' then
  return cjson.encode({ ids = redis.call('SMEMBERS', externalid_key(A.value)) })
elseif A.by == 'member' then
  return cjson.encode({ ids = redis.call('SMEMBERS', k('user', A.value, 'groups')) })
elseif A.by == 'page' then
  local ids = {}
  if A.count > 0 then ids = redis.call('ZRANGE', k('groups'), A.offset, A.offset + A.count - 1) end
  return cjson.encode({ ids = ids, total = redis.call('ZCARD', k('groups')) })
elseif A.by == 'inAdminGroup' then
  return cjson.encode({ admin = in_admin_group(A.value) })
elseif A.by == 'ofUsers' then
  local out = {}
  for i, uid in ipairs(A.users) do
    local refs = {}
    for _, gid in ipairs(redis.call('SMEMBERS', k('user', uid, 'groups'))) do
      local name = redis.call('HGET', k('group', gid), 'displayName')
      if name then refs[#refs + 1] = { gid, name } end
    end
    out[i] = refs
  end
  return cjson.encode(out)
end
return fail('validation_failed', 'no such lookup')
