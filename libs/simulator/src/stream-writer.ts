import type { ServerResponse } from 'node:http';
import type { StreamFaults } from './call-decision';
import type { PendingCalls } from './pending-calls';
import type { StreamScript } from './wire/wire-format';

/**
 * Writes a streamed answer frame by frame, each after the previous one left the process, so a
 * client reads them as separate deltas and a cut lands after exactly the frames sent. Stream
 * faults apply between pieces: a first-token delay before the first piece, a stall (nothing more,
 * connection open until the client gives up) or a cut (the socket closes without the stream's end).
 */
export function writeStream(
  res: ServerResponse,
  script: StreamScript,
  faults: StreamFaults,
  pending: PendingCalls,
): void {
  if (res.destroyed || res.headersSent) return;
  res.writeHead(script.status, script.headers);
  const frames = [...script.opening];
  let sentPieces = 0;
  let closingQueued = false;

  const writeNext = (): void => {
    if (res.destroyed) return;
    const frame = frames.shift();
    if (frame !== undefined) {
      res.write(frame, () => setImmediate(writeNext));
      return;
    }
    if (faults.stallAfterChunks !== undefined && sentPieces >= faults.stallAfterChunks) {
      pending.hold(res);
      return;
    }
    if (faults.cutAfterChunks !== undefined && sentPieces >= faults.cutAfterChunks) {
      res.socket?.destroy();
      return;
    }
    if (sentPieces < script.pieces.length) {
      frames.push(script.pieces[sentPieces]);
      sentPieces += 1;
      if (sentPieces === 1 && faults.firstTokenDelayMs > 0) {
        pending.delay(faults.firstTokenDelayMs, res, writeNext);
        return;
      }
      writeNext();
      return;
    }
    if (!closingQueued && script.closing.length > 0) {
      closingQueued = true;
      frames.push(...script.closing);
      writeNext();
      return;
    }
    res.end();
  };
  writeNext();
}
