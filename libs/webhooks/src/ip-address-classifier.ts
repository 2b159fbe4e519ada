import { isIPv4, isIPv6 } from 'node:net';

/**
 * What kind of destination an IP address is. Anything but `public` is refused as a webhook target
 * unless private targets are explicitly allowed; `metadata` and `invalid` are refused always.
 */
export type AddressCategory =
  | 'public'
  | 'loopback'
  | 'private'
  | 'link_local'
  | 'cgnat'
  | 'unspecified'
  | 'multicast'
  | 'reserved'
  | 'metadata'
  | 'invalid';

/** Cloud instance-metadata endpoints: credentials live there, so no webhook may ever reach them. */
const IPV4_METADATA = new Set(['169.254.169.254', '100.100.100.200']);

interface Ipv4Range {
  base: number;
  bits: number;
  category: AddressCategory;
}

function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

function range(cidr: string, category: AddressCategory): Ipv4Range {
  const [base, bits] = cidr.split('/');
  return { base: ipv4ToInt(base), bits: Number(bits), category };
}

// Order matters only where ranges nest; none of these overlap.
const IPV4_RANGES: Ipv4Range[] = [
  range('0.0.0.0/8', 'unspecified'),
  range('127.0.0.0/8', 'loopback'),
  range('10.0.0.0/8', 'private'),
  range('172.16.0.0/12', 'private'),
  range('192.168.0.0/16', 'private'),
  range('169.254.0.0/16', 'link_local'),
  range('100.64.0.0/10', 'cgnat'),
  range('192.0.0.0/24', 'reserved'),
  range('198.18.0.0/15', 'reserved'),
  range('224.0.0.0/4', 'multicast'),
  range('240.0.0.0/4', 'reserved'),
];

function inRange(value: number, r: Ipv4Range): boolean {
  const size = 2 ** (32 - r.bits);
  return value >= r.base && value < r.base + size;
}

function classifyIpv4(ip: string): AddressCategory {
  if (IPV4_METADATA.has(ip)) return 'metadata';
  const value = ipv4ToInt(ip);
  for (const r of IPV4_RANGES) {
    if (inRange(value, r)) return r.category;
  }
  return 'public';
}

/** Parses a valid IPv6 literal into its eight 16-bit groups (handles `::` and a dotted IPv4 tail). */
function ipv6Groups(ip: string): number[] {
  let text = ip;
  const lastColon = text.lastIndexOf(':');
  const last = text.slice(lastColon + 1);
  if (last.includes('.')) {
    // Rewrite the dotted tail as two hex groups so one parser handles every form.
    const v4 = ipv4ToInt(last);
    const high = Math.floor(v4 / 65536).toString(16);
    const low = (v4 % 65536).toString(16);
    text = `${text.slice(0, lastColon + 1)}${high}:${low}`;
  }
  const parse = (part: string): number[] =>
    part === '' ? [] : part.split(':').map((group) => parseInt(group, 16));
  if (!text.includes('::')) return parse(text);
  const [head, rest] = text.split('::');
  const h = parse(head);
  const r = parse(rest);
  return [...h, ...new Array<number>(8 - h.length - r.length).fill(0), ...r];
}

function groupsToIpv4(high: number, low: number): string {
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}

function classifyIpv6(ip: string): AddressCategory {
  const g = ipv6Groups(ip);
  if (g.length !== 8 || g.some((x) => !Number.isInteger(x) || x < 0 || x > 0xffff)) {
    return 'invalid';
  }
  const zeroPrefix = (n: number): boolean => g.slice(0, n).every((x) => x === 0);

  if (zeroPrefix(8)) return 'unspecified';
  if (zeroPrefix(7) && g[7] === 1) return 'loopback';
  // IPv4-mapped (::ffff:a.b.c.d) and the deprecated IPv4-compatible (::a.b.c.d) forms reach the
  // embedded IPv4 address, so they are judged by it.
  if (zeroPrefix(5) && g[5] === 0xffff) return classifyIpv4(groupsToIpv4(g[6], g[7]));
  if (zeroPrefix(6)) return classifyIpv4(groupsToIpv4(g[6], g[7]));
  // NAT64 (64:ff9b::/96) translates to the embedded IPv4 address.
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) {
    return classifyIpv4(groupsToIpv4(g[6], g[7]));
  }
  // 6to4 (2002::/16) tunnels to the IPv4 address in groups 1-2.
  if (g[0] === 0x2002) return classifyIpv4(groupsToIpv4(g[1], g[2]));
  // AWS instance metadata over IPv6: fd00:ec2::254
  if (g[0] === 0xfd00 && g[1] === 0x0ec2 && g.slice(2, 7).every((x) => x === 0) && g[7] === 0x254) {
    return 'metadata';
  }
  if ((g[0] & 0xfe00) === 0xfc00) return 'private'; // fc00::/7 unique local
  if ((g[0] & 0xffc0) === 0xfe80) return 'link_local'; // fe80::/10
  if ((g[0] & 0xffc0) === 0xfec0) return 'private'; // fec0::/10 deprecated site-local
  if ((g[0] & 0xff00) === 0xff00) return 'multicast'; // ff00::/8
  if (g[0] === 0x2001 && g[1] === 0x0db8) return 'reserved'; // documentation
  if (g[0] === 0x2001 && g[1] === 0) return 'reserved'; // Teredo: hides the real IPv4 endpoint
  if (g[0] === 0x0100 && g.slice(1, 4).every((x) => x === 0)) return 'reserved'; // discard-only
  return 'public';
}

/** Classifies an IPv4 or IPv6 literal (brackets and an IPv6 zone id are tolerated). */
export function classifyAddress(address: string): AddressCategory {
  let ip = address.trim();
  if (ip.startsWith('[') && ip.endsWith(']')) ip = ip.slice(1, -1);
  const zone = ip.indexOf('%');
  if (zone >= 0) ip = ip.slice(0, zone);
  if (isIPv4(ip)) return classifyIpv4(ip);
  if (isIPv6(ip)) return classifyIpv6(ip.toLowerCase());
  return 'invalid';
}

/** Whether a webhook may be sent to an address of this category. */
export function isCategoryAllowed(category: AddressCategory, allowPrivate: boolean): boolean {
  if (category === 'public') return true;
  if (category === 'metadata' || category === 'invalid') return false;
  return allowPrivate;
}
