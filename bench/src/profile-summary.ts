import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  /** Sampled wall time the thread was busy (idle excluded), ms */
  busyMs: number;
  /** Self time by package / area, ms, largest first */
  byArea: Array<{ area: string; ms: number; share: number }>;
  /** Self time by function, ms, largest first */
  byFunction: Array<{ fn: string; ms: number; share: number }>;
  /**
   * Inclusive time of frames of interest (any frame of the stack matches), ms: shows the cost of
   * whole operations such as request validation or the SDK call, whatever they call into.
   */
  inclusive: Array<{ what: string; ms: number; share: number }>;
}

/** Which package or part of the program a frame belongs to. */
export function areaOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (!url) {
    if (functionName === '(garbage collector)') return '(gc)';
    if (functionName === '(program)') return '(program: V8/native)';
    if (functionName === '(idle)') return '(idle)';
    return '(native)';
  }
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    const pkg = rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
    if (pkg.startsWith('@opentelemetry/')) return '@opentelemetry/*';
    return pkg;
  }
  if (url.startsWith('node:')) return 'node core';
  const dist = /\/dist\/((?:apps|libs|bench)\/[^/]+)\//.exec(url);
  if (dist) return `switchyard ${dist[1]}`;
  return url.replace(/^file:\/\//, '');
}

/** Stack frames whose inclusive time is reported: the big operations of a job's path. */
const INCLUSIVE: Array<{ what: string; test: (f: CallFrame) => boolean }> = [
  {
    what: 'class-validator (request validation)',
    test: (f) => f.url.includes('/class-validator/'),
  },
  {
    what: 'class-transformer (DTO instantiation)',
    test: (f) => f.url.includes('/class-transformer/'),
  },
  { what: 'openai SDK (incl. fetch)', test: (f) => f.url.includes('/node_modules/openai/') },
  { what: 'undici / fetch', test: (f) => f.url.includes('undici') },
  { what: 'ioredis', test: (f) => f.url.includes('/node_modules/ioredis/') },
  { what: 'bullmq', test: (f) => f.url.includes('/node_modules/bullmq/') },
  { what: 'express', test: (f) => /\/node_modules\/(express|router|body-parser)\//.test(f.url) },
  { what: '@nestjs/*', test: (f) => f.url.includes('/node_modules/@nestjs/') },
  {
    what: 'OpenTelemetry',
    test: (f) =>
      f.url.includes('/node_modules/@opentelemetry/') || f.url.includes('/require-in-the-middle/'),
  },
  { what: 'prom-client (metrics)', test: (f) => f.url.includes('/node_modules/prom-client/') },
  {
    what: 'JSON.parse/stringify',
    test: (f) => /^(parse|stringify)$/.test(f.functionName) && !f.url,
  },
  { what: 'garbage collection', test: (f) => f.functionName === '(garbage collector)' },
];

export function summarizeProfile(path: string, top = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const self = new Map<number, number>();
  // timeDeltas[i] is the time since the previous sample: it belongs to sample i-1's node.
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + dt);
  }
  const areas = new Map<string, number>();
  const fns = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let busy = 0;
  for (const [id, ms] of self) {
    const node = byId.get(id);
    if (!node) continue;
    const area = areaOf(node.callFrame);
    if (area === '(idle)') continue;
    busy += ms;
    areas.set(area, (areas.get(area) ?? 0) + ms);
    const f = node.callFrame;
    const short = f.url ? f.url.replace(/^.*\/(node_modules|dist)\//, '') : '';
    const fn = `${f.functionName || '(anonymous)'} ${short}${f.url ? `:${f.lineNumber + 1}` : ''}`;
    fns.set(fn, (fns.get(fn) ?? 0) + ms);
    // Walk up once per sampled node: each matching category counts this node's time once.
    const hit = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const frame = byId.get(cur)?.callFrame;
      if (!frame) break;
      for (const c of INCLUSIVE) if (!hit.has(c.what) && c.test(frame)) hit.add(c.what);
    }
    for (const what of hit) inclusive.set(what, (inclusive.get(what) ?? 0) + ms);
  }
  const share = (ms: number): number => (busy > 0 ? ms / busy : 0);
  return {
    busyMs: busy,
    byArea: [...areas]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([area, ms]) => ({ area, ms, share: share(ms) })),
    byFunction: [...fns]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([fn, ms]) => ({ fn, ms, share: share(ms) })),
    inclusive: [...inclusive]
      .sort((a, b) => b[1] - a[1])
      .map(([what, ms]) => ({ what, ms, share: share(ms) })),
  };
}
