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
    -- The page's sequences from the bitmap's bytes, read a chunk at a time (not a BITPOS per user),
    -- then their ids from one ZRANGE over that span of sequences (not one per user).
    local seqs, at, CHUNK = {}, lo, 64
    while #seqs < A.count do
      local bytes = redis.call('GETRANGE', bits, at, at + CHUNK - 1)
      if #bytes == 0 then break end
      for i = 1, #bytes do
        local byte = string.byte(bytes, i)
        if byte ~= 0 then
          for b = 7, 0, -1 do
            if bit.band(byte, bit.lshift(1, b)) ~= 0 then
              if skip > 0 then skip = skip - 1 elseif #seqs < A.count then seqs[#seqs + 1] = (at + i - 1) * 8 + (7 - b) end
            end
          end
        end
        if #seqs >= A.count then break end
      end
      at = at + CHUNK
    end
    if #seqs > 0 then
      local rows = redis.call('ZRANGE', k('users'), seqs[1], seqs[#seqs], 'BYSCORE', 'WITHSCORES')
      local byseq = {}
      for i = 1, #rows, 2 do byseq[tonumber(rows[i + 1])] = rows[i] end
      for _, seq in ipairs(seqs) do
        if byseq[seq] then ids[#ids + 1] = byseq[seq] end
      end
    end
  end
end
-- No group at all (a directory that provisions none): no user's reverse index to read.
local anyGroups = redis.call('ZCARD', k('groups')) > 0
local out, found = { 0 }, 0
for _, id in ipairs(ids) do
  local values = redis.call('HMGET', k('user', id), unpack(FIELDS))
  if values[1] then
    found = found + 1
    out[#out + 1] = id
    for i = 1, #FIELDS do out[#out + 1] = values[i] end
    local refs = {}
    for _, gid in ipairs(anyGroups and redis.call('SMEMBERS', k('user', id, 'groups')) or {}) do
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
