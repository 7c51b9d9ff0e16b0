-- The hot reads of SCIM /Users in one call: A.by = 'username' (A.value, the index key) or 'page'
-- (A.offset 0-based, A.count, A.filter: a bitmap name such as 'sso' or 'active:sso'; rank -> ids
-- as page-users does, O(log n) whatever the offset). Each user comes back as only what a SCIM
-- resource shows (no session counts), with their groups as [id, displayName] pairs (the reverse
-- index user:<id>:groups, as group-lookup's ofUsers reads it), so the answer needs no other call.
-- A page answers only the fields its render reads (RENDERED) unless A.records asks for a whole
-- record (a projection); a user with no stored SCIM JSON, whose resource is built from the
-- record, always gets the RECORD fields too. Each field HMGET asks for costs Redis time.
-- The reply is flat Redis values, no JSON (scim-read-users.ts reads it): total, then per user its
-- id, how many field values follow (#RENDERED or #RENDERED + #RECORD) and those values (nil where
-- absent), the number of its groups and each group's id and displayName.
local RENDERED = { 'userName', 'email', 'externalId', 'status', 'createdAt', 'updatedAt', 'version', 'scim' }
local RECORD = { 'name', 'role', 'kind' }
local STATUS_AT, SCIM_AT = 4, 8
local records = A.by == 'username' or A.records == true
local ids, total = {}, 0
if A.by == 'username' then
  local id = username_owner(A.value)
  if id then ids[1] = id end
else
  local seqs
  seqs, total = page_of_bits(k('bits', A.filter), A.offset, A.count)
  -- The page's ids from one ZRANGE over its span of sequences (not one per user).
  if #seqs > 0 then
    local rows = redis.call('ZRANGE', k('users'), seqs[1], seqs[#seqs], 'BYSCORE', 'WITHSCORES')
    local byseq = {}
    for i = 1, #rows, 2 do byseq[tonumber(rows[i + 1])] = rows[i] end
    for _, seq in ipairs(seqs) do
      if byseq[seq] then ids[#ids + 1] = byseq[seq] end
    end
  end
end
-- No group at all (a directory that provisions none): no user's reverse index to read.
local anyGroups = redis.call('ZCARD', k('groups')) > 0
local out, found = { 0 }, 0
for _, id in ipairs(ids) do
  local key = k('user', id)
  local values = redis.call('HMGET', key, unpack(RENDERED))
  -- Every user has a status: none, and the user is gone.
  if values[STATUS_AT] then
    local rest = (records or not values[SCIM_AT]) and redis.call('HMGET', key, unpack(RECORD)) or {}
    found = found + 1
    out[#out + 1] = id
    out[#out + 1] = #RENDERED + #rest
    for i = 1, #RENDERED do out[#out + 1] = values[i] end
    for i = 1, #rest do out[#out + 1] = rest[i] end
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
