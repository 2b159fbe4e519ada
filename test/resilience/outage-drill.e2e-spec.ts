import { DEFAULT_CIRCUIT_BREAKER_OPTIONS } from '@switchyard/circuit-breaker';
import { SwitchyardStack } from '@switchyard/testing';
import { pool, reasoning, simCalls, sleep, until, waitForAll } from './resilience-support';

const JOBS = 1000;
const IN_FLIGHT = 50;
/** Calls the breaker may let through after it opened, per cooldown that ended (half-open probes
 * and the retries of a failed probe), on top of calls already admitted when it opened. */
const PROBES_PER_COOLDOWN = 5;

/**
 * Issue 5, guarantee 6: the outage drill. The primary (openai) fails every call; 1,000 jobs all
 * succeed on fallbacks. Once the circuit opens, new jobs are planned around openai (their first
 * attempt is already on the fallback) and openai only sees the breaker's half-open probes.
 */
describe('outage drill: the primary fails 100 % for 1,000 jobs', () => {
  let stack: SwitchyardStack;

  beforeAll(async () => {
    // anthropic, the first fallback, serves the drill; no google worker to keep the machine free.
    stack = await SwitchyardStack.start({ providers: ['openai', 'anthropic'] });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('every job succeeds on a fallback; after the circuit opens new jobs skip openai, which only sees probes', async () => {
    stack.sim.addFault({ provider: 'openai', error_rate: 1, status: 500 });

    // Watch GET /v1/providers for the openai circuit to open. The circuit's own `since` and
    // `retry_at` say when it opened and when its cooldown ends (the API may answer late while it
    // is busy with the drill); the count of openai calls is taken when the test sees it open.
    let circuit: { openedAt: number; retryAt: number; seenAt: number; calls: number } | undefined;
    let watching = true;
    const watcher = (async () => {
      while (watching && !circuit) {
        const res = await stack.request('GET', '/v1/providers');
        const openai = res.body.providers.find((p: { name: string }) => p.name === 'openai');
        if (openai.circuit.state === 'open') {
          circuit = {
            calls: simCalls(stack, 'openai'),
            seenAt: Date.now(),
            openedAt: Date.parse(openai.circuit.since),
            retryAt: Date.parse(openai.circuit.retry_at),
          };
        } else await sleep(20);
      }
    })();

    const submittedAt: number[] = [];
    const ids = await pool(
      Array.from({ length: JOBS }, (_, i) => i),
      IN_FLIGHT,
      async (i) => {
        submittedAt[i] = Date.now();
        const res = await stack.submit(reasoning(`drill ${i}`));
        expect(res.status).toBe(202);
        return res.body.id as string;
      },
    );
    const jobs = await waitForAll(stack, ids, 180_000);
    const finishedAt = Date.now();
    watching = false;
    await watcher;

    // 1. Nothing lost: every job succeeded, on a fallback.
    const failed = jobs.filter((j) => j.status !== 'succeeded');
    expect(failed).toEqual([]);
    for (const job of jobs) expect(['anthropic', 'google']).toContain(job.result.provider);

    // 2. The circuit opened, early in the drill.
    if (!circuit) throw new Error('the openai circuit never opened');
    const { openedAt, retryAt, seenAt, calls } = circuit;
    const after = jobs.filter((_, i) => submittedAt[i] > seenAt);
    expect(after.length).toBeGreaterThan(JOBS / 2);

    // 3. Jobs planned while it was open were planned around openai: their plan starts on the
    // fallback and their attempts never touch openai. Only jobs planned once a cooldown is over
    // (half-open: a probe may go through) still list openai.
    const skipsOpenai = (job: any) =>
      job.skipped?.some(
        (s: { provider: string; reason: string }) =>
          s.provider === 'openai' && s.reason === 'circuit_open',
      ) === true;
    const openaiAttempts = (job: any) =>
      job.attempts.filter((a: { provider: string }) => a.provider === 'openai');
    const plannedAround = after.filter(skipsOpenai);
    for (const job of plannedAround) {
      expect(job.plan[0].provider).not.toBe('openai');
      expect(job.attempts[0]).toMatchObject({ hop: 0, provider: job.plan[0].provider });
      expect(openaiAttempts(job)).toEqual([]);
    }
    // Planned (before created_at) after the test saw the circuit open and before its cooldown ended.
    const plannedWhileOpen = after.filter((j) => Date.parse(j.created_at) < retryAt - 200);
    expect(plannedWhileOpen.length).toBeGreaterThan(0);
    expect(plannedWhileOpen.filter((j) => !skipsOpenai(j))).toEqual([]);
    expect(plannedAround.length).toBeGreaterThan(after.length / 2);

    // 4. openai's call count stopped growing when the circuit opened, but for the breaker's probes
    // after each cooldown.
    const cooldown = DEFAULT_CIRCUIT_BREAKER_OPTIONS.cooldownMs;
    const cooldownsEnded = Math.floor((finishedAt - openedAt) / cooldown);
    const allowed = PROBES_PER_COOLDOWN * (cooldownsEnded + 1);
    // Every call that reached openai has an attempt record, started before its gate was asked:
    // those started by the time the circuit opened were let through while it was closed, however
    // late they reached the simulator (up to the worker's concurrency may still be on the way
    // when the test first sees the circuit open).
    const admittedBeforeOpen = jobs
      .flatMap(openaiAttempts)
      .filter((a: { started_at: string }) => Date.parse(a.started_at) <= openedAt).length;
    expect(admittedBeforeOpen).toBeGreaterThanOrEqual(calls - PROBES_PER_COOLDOWN);
    const callsAfterOpen = simCalls(stack, 'openai') - admittedBeforeOpen;
    expect(callsAfterOpen).toBeLessThanOrEqual(allowed);
    const attemptsAfterOpen = jobs
      .flatMap(openaiAttempts)
      .filter((a: { started_at: string }) => Date.parse(a.started_at) > openedAt);
    expect(attemptsAfterOpen.length).toBeLessThanOrEqual(allowed);

    // 5. The probes themselves: once the cooldown is over, the breaker lets a few calls through
    // (half-open); they fail, it opens again, and the jobs still succeed on the fallback.
    const openaiCircuit = async () =>
      (await stack.request('GET', '/v1/providers')).body.providers.find(
        (p: { name: string }) => p.name === 'openai',
      ).circuit;
    await until(openaiCircuit, (c) => c.state === 'half_open', 'the cooldown to end', 20_000, 200);
    const beforeProbes = simCalls(stack, 'openai');
    const probeJobs = await pool(
      Array.from({ length: 20 }, (_, i) => i),
      5,
      async (i) => (await stack.submit(reasoning(`half-open ${i}`))).body.id as string,
    );
    for (const job of await waitForAll(stack, probeJobs, 60_000)) {
      expect(job).toMatchObject({ status: 'succeeded', result: { provider: 'anthropic' } });
    }
    const probes = simCalls(stack, 'openai') - beforeProbes;
    expect(probes).toBeGreaterThanOrEqual(1);
    expect(probes).toBeLessThanOrEqual(PROBES_PER_COOLDOWN);
    expect((await openaiCircuit()).state).toBe('open');
  });
});
