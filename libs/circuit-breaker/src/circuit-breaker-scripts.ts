import { defineScript, type ScriptArg } from '@switchyard/redis';

/**
 * Lua run atomically inside Redis, so every process sees one consistent circuit per key and the
 * half-open admission counter cannot be raced. Time always comes from the caller (`now`, ms)
 * rather than Redis TIME, which keeps the scripts deterministic under test.
 *
 * State hash fields: state, since, openUntil, consecutive, step, stepSuccesses, admissions,
 * lastFailure (ms of the latest failure recorded).
 * Window hash fields: '<bucket>:n' (calls) and '<bucket>:f' (failures), bucket = floor(now/bucketMs).
 */

/** The arguments every circuit script takes: the time and the breaker's settings. */
export const CIRCUIT_ARGS = [
  'now',
  'window_ms',
  'bucket_ms',
  'min_calls',
  'failure_ratio',
  'consecutive_failures',
  'cooldown_ms',
  /** the ramp's steps in basis points, comma separated */
  'ramp_bp',
  'successes_per_step',
  'state_ttl_ms',
] as const;
export type CircuitArgs = Record<(typeof CIRCUIT_ARGS)[number], ScriptArg>;

const PRELUDE = `
local now = tonumber(ARG.now)
local cfg = {
  windowMs = tonumber(ARG.window_ms),
  bucketMs = tonumber(ARG.bucket_ms),
  minCalls = tonumber(ARG.min_calls),
  failureRatio = tonumber(ARG.failure_ratio),
  consecutive = tonumber(ARG.consecutive_failures),
  cooldownMs = tonumber(ARG.cooldown_ms),
  successesPerStep = tonumber(ARG.successes_per_step),
  ttlMs = tonumber(ARG.state_ttl_ms),
  ramp = {},
}
for bp in string.gmatch(ARG.ramp_bp, '%d+') do cfg.ramp[#cfg.ramp + 1] = tonumber(bp) end

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
    'stepSuccesses', 'admissions', 'lastFailure')
  local c = {
    state = v[1] or 'closed',
    since = num(v[2], -1),
    openUntil = num(v[3], 0),
    consecutive = num(v[4], 0),
    step = num(v[5], 0),
    stepSuccesses = num(v[6], 0),
    admissions = num(v[7], 0),
    lastFailure = num(v[8], nil),
    stored = v[1] ~= false,
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
  local fields = {'state', c.state, 'since', int(c.since), 'openUntil', int(c.openUntil),
    'consecutive', c.consecutive, 'step', c.step, 'stepSuccesses', c.stepSuccesses,
    'admissions', c.admissions}
  if c.lastFailure then
    fields[#fields + 1] = 'lastFailure'
    fields[#fields + 1] = int(c.lastFailure)
  end
  redis.call('HSET', key, unpack(fields))
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

/**
 * May a call go to each circuit now? KEYS: each circuit's state key. Returns per circuit
 * {allowed 0|1, state, probe 0|1}, in order: one command for every gate of an attempt.
 */
export const CIRCUIT_ACQUIRE = defineScript({
  name: 'switchyardCircuitAcquireAll',
  keys: [],
  args: CIRCUIT_ARGS,
  restKeys: 'states',
  lua: `${PRELUDE}
-- Half-open: the n-th attempt of this step (0-based) is admitted when ceil((n+1)*f) exceeds
-- ceil(n*f), which admits exactly ceil(N*f) of any first N attempts, spread evenly, the first
-- attempt included. Integer basis points keep it exact.
local function ceilDiv(a, b)
  local r = a % b
  local q = (a - r) / b
  if r > 0 then return q + 1 end
  return q
end

local function acquire(stateKey)
  local c = loadCircuit(stateKey)
  if c.state == 'closed' then return {1, 'closed', 0} end
  if c.state == 'open' then return {0, 'open', 0} end
  -- Clamped: a process configured with fewer steps than the one that stored this state.
  local bp = cfg.ramp[math.min(c.step + 1, #cfg.ramp)]
  local n = c.admissions
  local allowed = ceilDiv((n + 1) * bp, 10000) > ceilDiv(n * bp, 10000)
  c.admissions = n + 1
  saveCircuit(stateKey, c)
  if allowed then return {1, 'half_open', 1} end
  return {0, 'half_open', 0}
end

local replies = {}
for i = KEY_REST_FROM, #KEYS do replies[#replies + 1] = acquire(KEYS[i]) end
return replies
`,
});

/**
 * Records one call's `outcome` ('success' | 'failure') on each circuit. KEYS: each circuit's state
 * and window keys, in pairs; the tail of ARGV: each circuit's key, the message announcing its
 * state change on `channel`, published in the same step so no reader can see the new state before
 * the notice. Returns per circuit {previous, state}, in order.
 */
export const CIRCUIT_RECORD = defineScript({
  name: 'switchyardCircuitRecordAll',
  keys: [],
  args: [...CIRCUIT_ARGS, 'outcome', 'channel'],
  restKeys: 'state_window_pairs',
  rest: 'circuits',
  lua: `${PRELUDE}
local failed = ARG.outcome == 'failure'

local function record(stateKey, windowKey, circuit)
  local c = loadCircuit(stateKey)
  local previous = c.state
  -- Storing a derived half-open is a change even when the outcome changes nothing else.
  local dirty = c.derived

  local bucket = math.floor(now / cfg.bucketMs)
  -- The first call of a bucket sets the window's expiry and prunes it: an expiry set then outlasts
  -- every later call of the bucket by a window, so the calls in between need neither.
  local opensBucket = redis.call('HINCRBY', windowKey, bucket .. ':n', 1) == 1
  if failed then redis.call('HINCRBY', windowKey, bucket .. ':f', 1) end
  if opensBucket then redis.call('PEXPIRE', windowKey, cfg.windowMs + cfg.bucketMs) end

  -- Only a closed circuit opens on the window's counts, and a window without failures cannot open
  -- it (unless any ratio opens it), so the counts are read only when a failure may be in it: this
  -- one, or the last one recorded (its time is stored with the state, which outlives the window; a
  -- state stored before lastFailure was kept cannot tell, so it reads).
  local mayHoldFailure = failed or cfg.failureRatio <= 0
    or (c.lastFailure == nil and c.stored)
    or (c.lastFailure ~= nil and c.lastFailure >= oldestBucket() * cfg.bucketMs)
  local calls, failures = 0, 0
  if opensBucket or (c.state == 'closed' and mayHoldFailure) then
    calls, failures = readWindow(windowKey, true)
  end

  if failed then
    c.lastFailure = now
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
          redis.call('DEL', windowKey)
        end
      end
      dirty = true
    end
  end
  -- While open (cooldown running) outcomes of calls admitted earlier only update the counters.

  if dirty then saveCircuit(stateKey, c) end
  if previous ~= c.state then redis.call('PUBLISH', ARG.channel, circuit) end
  return {previous, c.state}
end

local replies = {}
for k = KEY_REST_FROM, #KEYS, 2 do
  local n = #replies + 1
  replies[n] = record(KEYS[k], KEYS[k + 1], ARGV[REST_FROM + n - 1])
end
return replies
`,
});

/**
 * Reads each circuit. KEYS: each circuit's state and window keys, in pairs. Returns per circuit
 * {state, since, openUntil, consecutive, step, calls, failures}, in order.
 */
export const CIRCUIT_SNAPSHOT = defineScript({
  name: 'switchyardCircuitSnapshotAll',
  keys: [],
  args: CIRCUIT_ARGS,
  restKeys: 'state_window_pairs',
  readOnly: true,
  lua: `${PRELUDE}
local replies = {}
for k = KEY_REST_FROM, #KEYS, 2 do
  local c = loadCircuit(KEYS[k])
  local calls, failures = readWindow(KEYS[k + 1], false)
  replies[#replies + 1] = {c.state, c.since, c.openUntil, c.consecutive, c.step, calls, failures}
end
return replies
`,
});
