-- Reads groups by id (A.ids), in that order; a missing one is skipped. With A.members, up to
-- A.cap member ids each (SSCAN: a big group is never read whole) with their names; A.check, user
-- ids whose membership is answered (`matched`), for filters on members[value eq "…"].
local out = {}
for _, id in ipairs(A.ids) do
  local g = load_group(id)
  if g then
    local key = k('group', id, 'members')
    g.members = redis.call('SCARD', key)
    if A.members then
      local ids, names, cursor = {}, {}, '0'
      repeat
        local page = redis.call('SSCAN', key, cursor, 'COUNT', A.cap)
        cursor = page[1]
        for _, uid in ipairs(page[2]) do
          if #ids < A.cap then ids[#ids + 1] = uid end
        end
      until cursor == '0' or #ids >= A.cap
      for i, uid in ipairs(ids) do names[i] = redis.call('HGET', k('user', uid), 'name') or '' end
      g.memberIds, g.memberNames = ids, names
    end
    if A.check then
      local matched = {}
      for _, uid in ipairs(A.check) do
        if redis.call('SISMEMBER', key, uid) == 1 then matched[#matched + 1] = uid end
      end
      g.matched = matched
    end
    g.nameKey, g.externalIdKey = nil, nil
    out[#out + 1] = g
  end
end
return cjson.encode(out)
