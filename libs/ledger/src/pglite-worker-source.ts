/**
 * Source of the worker thread that owns the PGlite instance, kept as plain JavaScript text and
 * started with `eval: true`, so it runs the same from ts-jest and from the compiled build.
 *
 * Protocol (one reply per request, matched by id):
 *   { id, op: 'query', sql, params, tx? } -> { id, ok, rows }
 *   { id, op: 'begin' }                   -> { id, ok, tx }
 *   { id, op: 'commit' | 'rollback', tx } -> { id, ok }
 *   { id, op: 'close' }                   -> { id, ok }
 * Failures reply { id, ok: false, error: { message, code } }.
 */
export const PGLITE_WORKER_SOURCE = String.raw`
const { parentPort, workerData } = require('node:worker_threads');
const { PGlite } = require(workerData.modulePath);

const db = new PGlite(workerData.dataDir);
const ready = db.waitReady;
const transactions = new Map();
let nextTx = 1;

function begin() {
  return new Promise((resolveBegin, rejectBegin) => {
    const txId = nextTx++;
    const entry = {};
    entry.done = db
      .transaction(
        (tx) =>
          new Promise((commit, rollback) => {
            Object.assign(entry, { tx, commit, rollback });
            transactions.set(txId, entry);
            resolveBegin(txId);
          }),
      )
      .finally(() => transactions.delete(txId));
    // When BEGIN itself fails the callback never ran; after resolveBegin this is a no-op.
    entry.done.catch(rejectBegin);
  });
}

async function finish(txId, commit) {
  const entry = transactions.get(txId);
  if (!entry) throw new Error('unknown transaction ' + txId);
  if (commit) {
    entry.commit();
    await entry.done;
  } else {
    entry.rollback(new Error('rolled back'));
    await entry.done.catch(() => undefined);
  }
}

async function handle(msg) {
  await ready;
  switch (msg.op) {
    case 'query': {
      const target = msg.tx ? transactions.get(msg.tx)?.tx : db;
      if (!target) throw new Error('unknown transaction ' + msg.tx);
      const result = await target.query(msg.sql, msg.params);
      return { rows: result.rows };
    }
    case 'begin':
      return { tx: await begin() };
    case 'commit':
      await finish(msg.tx, true);
      return {};
    case 'rollback':
      await finish(msg.tx, false);
      return {};
    case 'close':
      if (!db.closed) await db.close();
      return {};
    default:
      throw new Error('unknown op ' + msg.op);
  }
}

parentPort.on('message', (msg) => {
  handle(msg).then(
    (result) => parentPort.postMessage({ id: msg.id, ok: true, ...result }),
    (err) =>
      parentPort.postMessage({
        id: msg.id,
        ok: false,
        error: {
          message: err && err.message ? String(err.message) : String(err),
          code: err && typeof err.code === 'string' ? err.code : undefined,
        },
      }),
  );
});
`;
