-- Users by offset in creation order (SCIM's startIndex/count), within a filter if given.
-- Unfiltered: rank access on the `users` sorted set. Filtered: the filter's bitmap, where the
-- n-th set bit is found by a binary search over BITCOUNT of byte ranges: both O(log n).
-- A: offset (0-based), count, filter (optional: a bitmap name such as 'active', 'sso', 'inactive:sso').
local now = now_ms()
local ids, total = {}, 0
if A.filter then
  local bits = k('bits', A.filter)
  total = redis.call('BITCOUNT', bits)
  if A.offset < total and A.count > 0 then
    -- The byte holding the (offset+1)-th set bit: smallest b with BITCOUNT(0..b) > offset.
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
else
  total = redis.call('ZCARD', k('users'))
  if A.count > 0 then ids = redis.call('ZRANGE', k('users'), A.offset, A.offset + A.count - 1) end
end
local users = {}
for _, id in ipairs(ids) do
  local u = load_user(id)
  if u then users[#users + 1] = with_session_count(u, now) end
end
return reply({ users = users, total = total })
