import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { lookup as dnsLookupAsync } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';
import { classifyAddress, isCategoryAllowed, type AddressCategory } from './ip-address-classifier';
import { WebhookAddressRefusedError } from './webhook-address-refused-error';

export interface WebhookUrlGuardOptions {
  /** SWITCHYARD_WEBHOOK_ALLOW_PRIVATE: permit loopback/private/link-local targets (never metadata). */
  allowPrivate: boolean;
}

export type WebhookUrlValidation = { ok: true } | { ok: false; problem: string };

/** Resolves every address of a host name, like `dns.promises.lookup(host, {all: true})`. */
export type HostResolver = (hostname: string) => Promise<LookupAddress[]>;

const MAX_URL_LENGTH = 2048;

/** Names that reach instance metadata without an IP in sight. Refused even with allowPrivate. */
const METADATA_HOSTNAMES = new Set(['metadata.google.internal', 'metadata.goog']);

const CATEGORY_LABEL: Record<AddressCategory, string> = {
  public: 'a public',
  loopback: 'a loopback',
  private: 'a private',
  link_local: 'a link-local',
  cgnat: 'a carrier-grade NAT',
  unspecified: 'an unspecified',
  multicast: 'a multicast',
  reserved: 'a reserved',
  metadata: 'a cloud metadata',
  invalid: 'an invalid',
};

function normalizeHostname(hostname: string): string {
  let host = hostname.toLowerCase();
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  // A trailing dot is the same DNS name; strip it so the name checks cannot be sidestepped.
  while (host.endsWith('.')) host = host.slice(0, -1);
  return host;
}

/** Refusal reason for one resolved or literal address, or undefined when it may be contacted. */
export function addressProblem(address: string, allowPrivate: boolean): string | undefined {
  const category = classifyAddress(address);
  if (isCategoryAllowed(category, allowPrivate)) return undefined;
  return `${CATEGORY_LABEL[category]} address (${address}) is not an allowed webhook destination`;
}

/**
 * Checks that need no DNS: scheme, length, and hosts that are refused by name or are IP literals.
 * Returns the normalized host name to resolve, or null when the host is a literal IP that passed.
 */
function checkStatically(
  rawUrl: string,
  allowPrivate: boolean,
): { ok: false; problem: string } | { ok: true; hostToResolve: string | null } {
  if (rawUrl.length > MAX_URL_LENGTH) {
    return { ok: false, problem: `webhook URL is longer than ${MAX_URL_LENGTH} characters` };
  }
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return { ok: false, problem: 'webhook URL is not a valid absolute URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, problem: 'webhook URL must use http or https' };
  }
  const host = normalizeHostname(url.hostname);
  if (!host) return { ok: false, problem: 'webhook URL has no host' };
  const hostProblem = hostnameProblem(host, allowPrivate);
  if (hostProblem) return { ok: false, problem: hostProblem };
  if (isIP(host)) {
    const problem = addressProblem(host, allowPrivate);
    return problem ? { ok: false, problem } : { ok: true, hostToResolve: null };
  }
  return { ok: true, hostToResolve: host };
}

/** Refusal reason for a host name before resolving it (metadata names, `localhost`). */
export function hostnameProblem(hostname: string, allowPrivate: boolean): string | undefined {
  const host = normalizeHostname(hostname);
  if (METADATA_HOSTNAMES.has(host)) {
    return `host "${host}" is a cloud metadata endpoint and is not an allowed webhook destination`;
  }
  // RFC 6761: localhost and *.localhost are loopback whatever DNS says.
  if (!allowPrivate && (host === 'localhost' || host.endsWith('.localhost'))) {
    return `host "${host}" is a loopback name and is not an allowed webhook destination`;
  }
  return undefined;
}

const systemResolver: HostResolver = (hostname) =>
  dnsLookupAsync(hostname, { all: true, verbatim: true });

/**
 * Submission-time check used for 422 answers. Every address the host resolves to must be allowed,
 * because the connection may use any of them. Delivery checks again at connect time.
 */
export async function validateWebhookUrl(
  url: string,
  options: WebhookUrlGuardOptions,
  resolve: HostResolver = systemResolver,
): Promise<WebhookUrlValidation> {
  const staticCheck = checkStatically(url, options.allowPrivate);
  if (!staticCheck.ok) return staticCheck;
  if (staticCheck.hostToResolve === null) return { ok: true };
  const host = staticCheck.hostToResolve;
  let addresses: LookupAddress[];
  try {
    addresses = await resolve(host);
  } catch {
    return { ok: false, problem: `host "${host}" could not be resolved` };
  }
  if (addresses.length === 0) return { ok: false, problem: `host "${host}" has no addresses` };
  for (const { address } of addresses) {
    const problem = addressProblem(address, options.allowPrivate);
    if (problem) return { ok: false, problem: `host "${host}" resolves to ${problem}` };
  }
  return { ok: true };
}

/**
 * The delivery-time check for literal-IP URLs and refused names (a `lookup` hook never runs for
 * an IP literal). Throws WebhookAddressRefusedError; a URL that cannot be parsed throws too.
 */
export function assertDeliverableUrl(url: string, options: WebhookUrlGuardOptions): void {
  const result = checkStatically(url, options.allowPrivate);
  if (!result.ok) throw new WebhookAddressRefusedError(result.problem);
}

/**
 * A `lookup` for http(s).request that refuses to hand back any disallowed address, so the check
 * happens on the very addresses the socket connects to (DNS may have changed since submission).
 * Handles both callback shapes: single address and `all: true` (used by autoSelectFamily).
 */
export function createGuardedLookup(options: WebhookUrlGuardOptions): LookupFunction {
  return (hostname: string, lookupOptions: LookupOptions, callback) => {
    const nameProblem = hostnameProblem(hostname, options.allowPrivate);
    if (nameProblem) {
      callback(new WebhookAddressRefusedError(nameProblem), '');
      return;
    }
    dnsLookup(hostname, { ...lookupOptions, all: true }, (err, addresses) => {
      if (err) {
        callback(err, '');
        return;
      }
      for (const { address } of addresses) {
        const problem = addressProblem(address, options.allowPrivate);
        if (problem) {
          callback(new WebhookAddressRefusedError(`host "${hostname}" resolves to ${problem}`), '');
          return;
        }
      }
      if (addresses.length === 0) {
        callback(new WebhookAddressRefusedError(`host "${hostname}" has no addresses`), '');
        return;
      }
      if (lookupOptions.all) callback(null, addresses);
      else callback(null, addresses[0].address, addresses[0].family);
    });
  };
}
