-- The hot reads of SCIM /Users in one call: A.by = 'username' (A.value, the index key) or 'page'
-- (A.offset 0-based, A.count, A.filter: a bitmap name such as 'sso' or 'active:sso'; rank -> ids
-- as page-users does, O(log n) whatever the offset). Each user comes back as only what a SCIM
-- resource shows (no session counts), with their groups as [id, displayName] pairs (the reverse
-- index user:<id>:groups, as group-lookup's ofUsers reads it), so the answer needs no other call.
-- The reply is flat Redis values, no JSON (scim-read-users.ts reads it): total, then per user its
-- id, the FIELDS (nil where absent), the number of its groups and each group's id and displayName.
local FIELDS = { 'name', 'email', 'userName', 'externalId', 'role', 'status', 'kind', 'createdAt', 'updatedAt', 'version', 'scim' }
local ids, total = {}, 0
if A.by == 'username' then
  local id = username_owner(A.value)
  if id then ids[1] = id end
else
  local bits = k('bits', A.filter)
  total = redis.call('BITCOUNT', bits)
  if A.offset < total and A.count > 0 then
    local lo, hi = 0, redis.call('STRLEN', bits) - 1
    while lo < hi do
      local mid = math.floor((lo + hi) / 2)
      if redis.call('BITCOUNT', bits, 0, mid) > A.offset then hi = mid else lo = mid + 1 end
    end
    local skip = A.offset - (lo > 0 and redis.call('BITCOUNT', bits, 0, lo - 1) or 0)
    local pos = lo * 8
    while #ids < A.count do
      local seq = redis.call('BITPOS', bits, 1, pos, -1, 'BIT')
      if seq < 0 then break end
      if skip > 0 then skip = skip - 1 else ids[#ids + 1] = id_of_seq(seq) end
      pos = seq + 1
    end
  end
end
local out, found = { 0 }, 0
for _, id in ipairs(ids) do
  local values = redis.call('HMGET', k('user', id), unpack(FIELDS))
  if values[1] then
    found = found + 1
    out[#out + 1] = id
    for i = 1, #FIELDS do out[#out + 1] = values[i] end
    local refs = {}
    for _, gid in ipairs(redis.call('SMEMBERS', k('user', id, 'groups'))) do
      local name = redis.call('HGET', k('group', gid), 'displayName')
      if name then
        refs[#refs + 1] = gid
        refs[#refs + 1] = name
      end
    end
    out[#out + 1] = #refs / 2
    for _, v in ipairs(refs) do out[#out + 1] = v end
  end
end
out[1] = A.by == 'username' and found or total
return out
