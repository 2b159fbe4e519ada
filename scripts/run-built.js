#!/usr/bin/env node
// Runs a compiled entry point from dist/, building first when dist/ is missing or older than the
// sources, so `npm run routes:check`, `npm run sim` and `npm run bench` work on a fresh clone.
const { spawnSync } = require('node:child_process');
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join, resolve } = require('node:path');

const root = resolve(__dirname, '..');
const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: run-built.js <path under dist/> [args...]');
  process.exit(2);
}
const target = join(root, 'dist', entry);

function newestSource(dir) {
  let newest = 0;
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    if (name.name === 'node_modules' || name.name.startsWith('.')) continue;
    const path = join(dir, name.name);
    if (name.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (name.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

const sourceDirs = ['apps', 'libs', 'bench'].map((d) => join(root, d)).filter(existsSync);
const stale =
  !existsSync(target) || Math.max(...sourceDirs.map(newestSource)) > statSync(target).mtimeMs;
if (stale) {
  const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
const run = spawnSync(process.execPath, [target, ...args], { stdio: 'inherit' });
process.exit(run.status ?? 1);
