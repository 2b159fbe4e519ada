/**
 * What the deploy tests read from the repository: the routing table, the Dockerfile (parsed into
 * stages and instructions), .dockerignore, and the mapping between the image's dist/ layout and
 * the TypeScript sources.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { isObject, type Json, type JsonObject } from './kustomize';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

export function repoPath(...parts: string[]): string {
  return path.join(REPO_ROOT, ...parts);
}

export function readRepoFile(...parts: string[]): string {
  return readFileSync(repoPath(...parts), 'utf8');
}

export function parseYaml(text: string): Json {
  return parse(text, { merge: true }) as Json;
}

// ---- routes.yaml --------------------------------------------------------------------------------

export interface RoutesProvider {
  name: string;
  timeoutMs: number;
  apiKeyEnv?: string;
}

/** The longest call timeout when a provider does not set timeout_ms (libs/routing's default). */
export const DEFAULT_TIMEOUT_MS = 60000;

export function parseRoutesProviders(table: Json, source = 'routes.yaml'): RoutesProvider[] {
  if (!isObject(table)) throw new Error(`${source}: not a mapping`);
  const raw = table.providers;
  const entries: Array<[string, JsonObject]> = [];
  if (isObject(raw)) {
    for (const [name, value] of Object.entries(raw))
      entries.push([name, isObject(value) ? value : {}]);
  } else if (Array.isArray(raw)) {
    for (const value of raw) {
      if (isObject(value) && typeof value.name === 'string') entries.push([value.name, value]);
    }
  }
  if (entries.length === 0) throw new Error(`${source}: no providers`);
  return entries.map(([name, value]) => ({
    name,
    timeoutMs: value.timeout_ms === undefined ? DEFAULT_TIMEOUT_MS : Number(value.timeout_ms),
    apiKeyEnv: typeof value.api_key_env === 'string' ? value.api_key_env : undefined,
  }));
}

/** The repository's routing table, read at test time. */
export function loadRoutes(): { text: string; table: Json; providers: RoutesProvider[] } {
  const file = repoPath('routes.yaml');
  if (!existsSync(file)) throw new Error('routes.yaml is missing at the repository root');
  const text = readFileSync(file, 'utf8');
  const table = parseYaml(text);
  return { text, table, providers: parseRoutesProviders(table) };
}

export function longestTimeoutMs(providers: RoutesProvider[]): number {
  return Math.max(DEFAULT_TIMEOUT_MS, ...providers.map((p) => p.timeoutMs));
}

/**
 * What libs/webhooks accepts for SWITCHYARD_WEBHOOK_SECRET ("whsec_" + base64 of at least 16
 * bytes); the dedicated dispatcher refuses to start without one.
 */
export function isValidWebhookSecret(secret: string): boolean {
  const m = /^whsec_([A-Za-z0-9+/]+={0,2})$/.exec(secret);
  return !!m && m[1].length % 4 === 0 && Buffer.from(m[1], 'base64').length >= 16;
}

// ---- Dockerfile ---------------------------------------------------------------------------------

export interface Instruction {
  keyword: string;
  /** Everything after the keyword with `--flag=value` options removed. */
  args: string;
  flags: Record<string, string>;
  /** The exec (JSON array) form, when used. */
  exec?: string[];
  line: number;
}

export interface Stage {
  name?: string;
  /** The base image with global ARG defaults substituted, or the name of an earlier stage. */
  from: string;
  instructions: Instruction[];
}

export interface Dockerfile {
  globalArgs: Record<string, string>;
  stages: Stage[];
}

function splitFlags(rest: string): { flags: Record<string, string>; args: string } {
  const flags: Record<string, string> = {};
  let args = rest.trim();
  for (;;) {
    const m = /^--([A-Za-z-]+)(?:=(\S*))?\s+/.exec(args);
    if (!m) break;
    flags[m[1]] = m[2] ?? 'true';
    args = args.slice(m[0].length);
  }
  return { flags, args };
}

function execForm(args: string): string[] | undefined {
  if (!args.startsWith('[')) return undefined;
  try {
    const value: unknown = JSON.parse(args);
    return Array.isArray(value) && value.every((v) => typeof v === 'string')
      ? (value as string[])
      : undefined;
  } catch {
    return undefined;
  }
}

function substitute(text: string, vars: Record<string, string>): string {
  return text.replace(
    /\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g,
    (whole, name: string) => vars[name] ?? whole,
  );
}

export function parseDockerfile(text: string): Dockerfile {
  const logical: Array<{ text: string; line: number }> = [];
  let current: { text: string; line: number } | undefined;
  text.split(/\r?\n/).forEach((raw, index) => {
    const trimmed = raw.trim();
    if (!current && (trimmed === '' || trimmed.startsWith('#'))) return;
    if (current && trimmed.startsWith('#')) return; // comments inside a continued instruction
    const continued = /\\\s*$/.test(raw);
    const piece = continued ? raw.replace(/\\\s*$/, '') : raw;
    if (!current) current = { text: piece.trim(), line: index + 1 };
    else current.text += ' ' + piece.trim();
    if (!continued) {
      logical.push(current);
      current = undefined;
    }
  });
  if (current) logical.push(current);

  const globalArgs: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const { text: lineText, line } of logical) {
    const m = /^(\S+)\s*(.*)$/.exec(lineText);
    if (!m) continue;
    const keyword = m[1].toUpperCase();
    const { flags, args } = splitFlags(m[2]);
    const instruction: Instruction = { keyword, args, flags, exec: execForm(args), line };
    if (keyword === 'FROM') {
      const fm = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      if (!fm) throw new Error(`Dockerfile:${line}: cannot read FROM ${args}`);
      stages.push({ from: substitute(fm[1], globalArgs), name: fm[2], instructions: [] });
    } else if (stages.length === 0) {
      if (keyword === 'ARG') {
        const [name, value = ''] = args.split('=');
        globalArgs[name.trim()] = value.trim();
      }
    } else {
      stages[stages.length - 1].instructions.push(instruction);
    }
  }
  return { globalArgs, stages };
}

export function loadDockerfile(): Dockerfile {
  return parseDockerfile(readRepoFile('Dockerfile'));
}

export function finalStage(dockerfile: Dockerfile): Stage {
  const stage = dockerfile.stages[dockerfile.stages.length - 1];
  if (!stage) throw new Error('Dockerfile has no stage');
  return stage;
}

export function stageByName(dockerfile: Dockerfile, name: string): Stage | undefined {
  return dockerfile.stages.find((s) => s.name === name);
}

/** The chain of stages a stage is built FROM (itself first). */
export function stageAncestry(dockerfile: Dockerfile, stage: Stage): Stage[] {
  const chain = [stage];
  let from = stageByName(dockerfile, stage.from);
  while (from && !chain.includes(from)) {
    chain.push(from);
    from = stageByName(dockerfile, from.from);
  }
  return chain;
}

/** Instructions of a stage including the ones it inherits from earlier stages. */
export function effectiveInstructions(dockerfile: Dockerfile, stage: Stage): Instruction[] {
  return stageAncestry(dockerfile, stage)
    .reverse()
    .flatMap((s) => s.instructions);
}

/** WORKDIR in force at the end of a stage (default /). */
export function workdirOf(dockerfile: Dockerfile, stage: Stage): string {
  let dir = '/';
  for (const i of effectiveInstructions(dockerfile, stage)) {
    if (i.keyword === 'WORKDIR') dir = path.posix.resolve(dir, i.args);
  }
  return dir;
}

/** ENV in force at the end of a stage (both `ENV a=b c=d` and `ENV a b` forms). */
export function envOf(dockerfile: Dockerfile, stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const i of effectiveInstructions(dockerfile, stage)) {
    if (i.keyword !== 'ENV') continue;
    if (!i.args.includes('=')) {
      const [k, ...v] = i.args.split(/\s+/);
      env[k] = v.join(' ');
      continue;
    }
    for (const m of i.args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("([^"]*)"|\S*)/g)) {
      env[m[1]] = m[3] ?? m[2];
    }
  }
  return env;
}

/** Sources and destination of a COPY (shell form; the exec form is handled too). */
export function copyParts(i: Instruction): { sources: string[]; dest: string } {
  const parts = i.exec ?? i.args.split(/\s+/).filter(Boolean);
  if (parts.length < 2)
    throw new Error(`Dockerfile:${i.line}: COPY needs a source and a destination`);
  return { sources: parts.slice(0, -1), dest: parts[parts.length - 1] };
}

// ---- .dockerignore ------------------------------------------------------------------------------

interface IgnoreRule {
  negate: boolean;
  regex: RegExp;
}

function globToRegex(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*' && pattern[i + 1] === '*') {
      // `**/` matches any number of directories, including none
      if (pattern[i + 2] === '/') {
        out += '(?:.*/)?';
        i += 2;
      } else {
        out += '.*';
        i += 1;
      }
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else out += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

/** A .dockerignore matcher (Docker's rules: last match wins; a match on a parent excludes it). */
export function dockerignore(text: string): (file: string) => boolean {
  const rules: IgnoreRule[] = [];
  for (const raw of text.split(/\r?\n/)) {
    let line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const negate = line.startsWith('!');
    if (negate) line = line.slice(1).trim();
    line = path.posix.normalize(line).replace(/^\/+/, '').replace(/\/+$/, '');
    rules.push({ negate, regex: globToRegex(line) });
  }
  return (file: string) => {
    const clean = path.posix.normalize(file).replace(/^\.\//, '').replace(/\/+$/, '');
    const segments = clean.split('/');
    let excluded = false;
    for (const rule of rules) {
      for (let n = 1; n <= segments.length; n++) {
        if (rule.regex.test(segments.slice(0, n).join('/'))) {
          excluded = !rule.negate;
          break;
        }
      }
    }
    return excluded;
  };
}

// ---- dist/ layout ---------------------------------------------------------------------------------

/**
 * The TypeScript source a compiled entry file comes from: `npm run build` compiles with
 * rootDir ./ and outDir ./dist, so dist/<path>.js comes from <path>.ts.
 */
export function sourceOfDistEntry(entry: string): string | undefined {
  const m = /^(?:\/app\/|\.\/)?dist\/(.+)\.js$/.exec(entry);
  return m ? `${m[1]}.ts` : undefined;
}

/** The `node <entry> ...` entry file of a command, or undefined when it is not one. */
export function nodeEntry(command: string[]): string | undefined {
  if (command[0] !== 'node') return undefined;
  return command.slice(1).find((arg) => !arg.startsWith('-'));
}

/** Every file under a repo folder, as repo-relative POSIX paths. */
export function listFiles(dir: string): string[] {
  const root = repoPath(dir);
  if (!existsSync(root)) return [];
  const out: string[] = [];
  const walk = (abs: string): void => {
    for (const name of readdirSync(abs)) {
      const child = path.join(abs, name);
      if (statSync(child).isDirectory()) walk(child);
      else out.push(path.relative(REPO_ROOT, child).split(path.sep).join('/'));
    }
  };
  walk(root);
  return out;
}
