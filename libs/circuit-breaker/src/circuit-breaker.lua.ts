/**
 * Lua run atomically inside Redis, so every process sees one consistent circuit per key and the
 * half-open admission counter cannot be raced. Time always comes from the caller (ARGV[1]) rather
 * than Redis TIME, which keeps the scripts deterministic under test.
 *
 * ARGV shared by every script:
 *   1 now (ms)  2 windowMs  3 bucketMs  4 minCalls  5 failureRatio  6 consecutiveFailures
 *   7 cooldownMs  8 ramp steps in basis points, comma separated  9 successesPerStep  10 stateTtlMs
 * record adds: 11 outcome ('success' | 'failure')
 *
 * State hash fields: state, since, openUntil, consecutive, step, stepSuccesses, admissions.
 * Window hash fields: '<bucket>:n' (calls) and '<bucket>:f' (failures), bucket = floor(now/bucketMs).
 */
const PRELUDE = `
local now = tonumber(ARGV[1])
local cfg = {
  windowMs = tonumber(ARGV[2]),
  bucketMs = tonumber(ARGV[3]),
  minCalls = tonumber(ARGV[4]),
  failureRatio = tonumber(ARGV[5]),
  consecutive = tonumber(ARGV[6]),
  cooldownMs = tonumber(ARGV[7]),
  successesPerStep = tonumber(ARGV[9]),
  ttlMs = tonumber(ARGV[10]),
  ramp = {},
}
for bp in string.gmatch(ARGV[8], '%d+') do cfg.ramp[#cfg.ramp + 1] = tonumber(bp) end

-- Timestamps are ~1.7e12: format them as plain integers, never in exponent notation.
local function int(n) return string.format('%d', n) end

local function num(v, default)
  if v then return tonumber(v) end
  return default
end

-- A missing hash reads as a fresh closed circuit. An open circuit whose cooldown has passed is
-- half-open at step 0; readers derive that here, writers persist it with the rest of the state.
local function loadCircuit(key)
  local v = redis.call('HMGET', key, 'state', 'since', 'openUntil', 'consecutive', 'step',
    'stepSuccesses', 'admissions')
  local c = {
    state = v[1] or 'closed',
    since = num(v[2], -1),
    openUntil = num(v[3], 0),
    consecutive = num(v[4], 0),
    step = num(v[5], 0),
    stepSuccesses = num(v[6], 0),
    admissions = num(v[7], 0),
    derived = false,
  }
  if c.state == 'open' and now >= c.openUntil then
    c.derived = true
    c.state = 'half_open'
    c.since = c.openUntil
    c.step = 0
    c.stepSuccesses = 0
    c.admissions = 0
  end
  return c
end

local function saveCircuit(key, c)
  redis.call('HSET', key, 'state', c.state, 'since', int(c.since), 'openUntil', int(c.openUntil),
    'consecutive', c.consecutive, 'step', c.step, 'stepSuccesses', c.stepSuccesses,
    'admissions', c.admissions)
  redis.call('PEXPIRE', key, cfg.ttlMs)
end

-- Buckets at or after this index are inside the window (the window is windowMs minus up to
-- one bucket long).
local function oldestBucket()
  return math.floor((now - cfg.windowMs) / cfg.bucketMs) + 1
end

local function readWindow(key, prune)
  local oldest = oldestBucket()
  local raw = redis.call('HGETALL', key)
  local calls, failures, stale = 0, 0, {}
  for i = 1, #raw, 2 do
    local bucket, kind = string.match(raw[i], '^(%-?%d+):(%a)$')
    bucket = tonumber(bucket)
    if bucket and bucket >= oldest then
      if kind == 'n' then
        calls = calls + tonumber(raw[i + 1])
      else
        failures = failures + tonumber(raw[i + 1])
      end
    else
      stale[#stale + 1] = raw[i]
    end
  end
  if prune and #stale > 0 then redis.call('HDEL', key, unpack(stale)) end
  return calls, failures
end
`;

/** KEYS: state. Returns {allowed 0|1, state, probe 0|1}. */
export const ACQUIRE_LUA = `${PRELUDE}
local c = loadCircuit(KEYS[1])
if c.state == 'closed' then return {1, 'closed', 0} end
if c.state == 'open' then return {0, 'open', 0} end

-- Half-open: the n-th attempt of this step (0-based) is admitted when ceil((n+1)*f) exceeds
-- ceil(n*f), which admits exactly ceil(N*f) of any first N attempts, spread evenly, the first
-- attempt included. Integer basis points keep it exact.
local function ceilDiv(a, b)
  local r = a % b
  local q = (a - r) / b
  if r > 0 then return q + 1 end
  return q
end
-- Clamped: a process configured with fewer steps than the one that stored this state.
local bp = cfg.ramp[math.min(c.step + 1, #cfg.ramp)]
local n = c.admissions
local allowed = ceilDiv((n + 1) * bp, 10000) > ceilDiv(n * bp, 10000)
c.admissions = n + 1
saveCircuit(KEYS[1], c)
if allowed then return {1, 'half_open', 1} end
return {0, 'half_open', 0}
`;

/**
 * KEYS: state, window. ARGV[12]: channel announcing a state change (message: the circuit key,
 * ARGV[13]), published in the same step so no reader can see the new state before the notice.
 * Returns {previous, state}.
 */
export const RECORD_LUA = `${PRELUDE}
local failed = ARGV[11] == 'failure'
local c = loadCircuit(KEYS[1])
local previous = c.state
-- Storing a derived half-open is a change even when the outcome changes nothing else.
local dirty = c.derived

local bucket = math.floor(now / cfg.bucketMs)
redis.call('HINCRBY', KEYS[2], bucket .. ':n', 1)
if failed then redis.call('HINCRBY', KEYS[2], bucket .. ':f', 1) end
redis.call('PEXPIRE', KEYS[2], cfg.windowMs + cfg.bucketMs)
local calls, failures = readWindow(KEYS[2], true)

if failed then
  c.consecutive = c.consecutive + 1
  dirty = true
elseif c.consecutive > 0 then
  c.consecutive = 0
  dirty = true
end

local function open()
  c.state = 'open'
  c.since = now
  c.openUntil = now + cfg.cooldownMs
  c.step = 0
  c.stepSuccesses = 0
  c.admissions = 0
  dirty = true
end

if c.state == 'closed' then
  if c.consecutive >= cfg.consecutive
    or (calls >= cfg.minCalls and failures / calls >= cfg.failureRatio) then
    open()
  end
elseif c.state == 'half_open' then
  if failed then
    open()
  else
    c.stepSuccesses = c.stepSuccesses + 1
    if c.stepSuccesses >= cfg.successesPerStep then
      c.step = c.step + 1
      c.stepSuccesses = 0
      c.admissions = 0
      if c.step >= #cfg.ramp then
        c.state = 'closed'
        c.since = now
        c.step = 0
        -- Outcomes from before and during the outage must not count against the closed circuit.
        redis.call('DEL', KEYS[2])
      end
    end
    dirty = true
  end
end
-- While open (cooldown running) outcomes of calls admitted earlier only update the counters.

if dirty then saveCircuit(KEYS[1], c) end
if previous ~= c.state then redis.call('PUBLISH', ARGV[12], ARGV[13]) end
return {previous, c.state}
`;

/** KEYS: state, window. Read-only. Returns {state, since, openUntil, consecutive, step, calls, failures}. */
export const SNAPSHOT_LUA = `${PRELUDE}
local c = loadCircuit(KEYS[1])
local calls, failures = readWindow(KEYS[2], false)
return {c.state, c.since, c.openUntil, c.consecutive, c.step, calls, failures}
`;
