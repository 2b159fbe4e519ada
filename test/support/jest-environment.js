/**
 * Jest's node environment for every project of this repo, plus one fix.
 *
 * jest-circus (30.5) enables an AsyncLocalStorage of its own in every test file (its test
 * execution context) and never disables it. On Node 20 each enabled storage is copied onto every
 * promise and async resource created afterwards in the process, so under `--runInBand` the N-th
 * test file runs with N storages taxing each promise: about 50 suites in, the outage drill's
 * jest process (which also serves the provider simulator) spent a quarter of its time in
 * async_hooks' `_propagate`, answered the stack's calls seconds late, and the drill's jobs ran
 * out of deadline on timed-out fallbacks. This environment disables, at a test file's teardown,
 * every storage that the file enabled; that file's modules are discarded with it.
 */
const { AsyncLocalStorage } = require('node:async_hooks');
const { TestEnvironment } = require('jest-environment-node');

const RECORDED = Symbol.for('switchyard.test.enabledStorages');

/** Storages `run` or `enterWith` was called on since the last teardown (once per process). */
function enabledStorages() {
  if (!AsyncLocalStorage.prototype[RECORDED]) {
    const storages = new Set();
    for (const method of ['run', 'enterWith']) {
      const original = AsyncLocalStorage.prototype[method];
      AsyncLocalStorage.prototype[method] = function (...args) {
        storages.add(this);
        return original.apply(this, args);
      };
    }
    AsyncLocalStorage.prototype[RECORDED] = storages;
  }
  return AsyncLocalStorage.prototype[RECORDED];
}

class SwitchyardTestEnvironment extends TestEnvironment {
  async teardown() {
    await super.teardown();
    const storages = enabledStorages();
    for (const storage of storages) storage.disable();
    storages.clear();
  }
}

enabledStorages();

module.exports = SwitchyardTestEnvironment;
