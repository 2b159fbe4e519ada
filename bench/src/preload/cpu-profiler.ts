/**
 * Preloaded into a process under test (`node -r dist/bench/src/preload/cpu-profiler.js ...`) when
 * the bench runs with --profile. SIGUSR2 starts the V8 sampling profiler; the next SIGUSR2 stops it
 * and writes `${BENCH_PROFILE_OUT}-<n>.cpuprofile.json` (Chrome DevTools can open it). The bench
 * signals around its measured phase only, so start-up and warm-up stay out of the profile.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

const out = process.env.BENCH_PROFILE_OUT;
if (out) {
  const session = new Session();
  session.connect();
  let running = false;
  let seq = 0;
  session.post('Profiler.enable', () => {
    session.post('Profiler.setSamplingInterval', { interval: 1000 });
  });
  process.on('SIGUSR2', () => {
    if (!running) {
      running = true;
      session.post('Profiler.start');
      return;
    }
    running = false;
    session.post('Profiler.stop', (err, result) => {
      if (err || !result) return;
      const file = `${out}-${++seq}.cpuprofile.json`;
      writeFileSync(`${file}.tmp`, JSON.stringify(result.profile));
      renameSync(`${file}.tmp`, file);
    });
  });
}
