export type TransportFailure = 'timeout' | 'network';

const TIMEOUT_NAMES = new Set([
  'AbortError',
  'TimeoutError',
  'APIConnectionTimeoutError',
  'ConnectTimeoutError',
]);
const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ABORT_ERR',
]);
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);
const NETWORK_MESSAGES =
  /socket hang up|other side closed|fetch failed|\bterminated\b|network error|connection (error|reset|refused)/i;
const TIMEOUT_MESSAGES = /timed? ?out/i;

const MAX_CAUSE_DEPTH = 8;

function* causeChain(err: unknown): Generator<Record<string, unknown>> {
  let current: unknown = err;
  for (
    let depth = 0;
    depth < MAX_CAUSE_DEPTH && typeof current === 'object' && current !== null;
    depth++
  ) {
    const record = current as Record<string, unknown>;
    yield record;
    current = record.cause;
  }
}

/**
 * Whether an error (or anything in its cause chain) is a transport failure: a timeout or abort,
 * or a connection that was refused, reset or never resolved. Undefined for anything else.
 */
export function classifyTransportError(err: unknown): TransportFailure | undefined {
  let network = false;
  for (const link of causeChain(err)) {
    const name = typeof link.name === 'string' ? link.name : '';
    const code = typeof link.code === 'string' ? link.code : '';
    const message = typeof link.message === 'string' ? link.message : '';
    if (TIMEOUT_NAMES.has(name) || TIMEOUT_CODES.has(code) || TIMEOUT_MESSAGES.test(message))
      return 'timeout';
    if (NETWORK_CODES.has(code) || NETWORK_MESSAGES.test(message)) network = true;
  }
  return network ? 'network' : undefined;
}
