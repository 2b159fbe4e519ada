#!/usr/bin/env node
// Fails when the import graph of apps/, libs/ and bench/ has a circle (type-only imports included:
// a circle of types still means two modules that cannot be understood one without the other).
// Part of `npm run lint`. Resolves relative imports and the `@switchyard/<lib>` aliases of
// tsconfig.json; specs and test helpers are left out, they sit on top of the graph.
'use strict';
const { existsSync, readdirSync, readFileSync, statSync } = require('node:fs');
const { dirname, join, relative, resolve } = require('node:path');
const ts = require('typescript');

const root = resolve(__dirname, '..');
const roots = ['apps', 'libs', 'bench'].map((d) => join(root, d));
const skip = /\.(spec|e2e-spec)\.ts$/;

function sourceFiles(dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) sourceFiles(path, out);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') && !skip.test(path)) {
      out.push(path);
    }
  }
  return out;
}

function asFile(base) {
  for (const candidate of [`${base}.ts`, join(base, 'index.ts')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return existsSync(base) && base.endsWith('.ts') ? base : undefined;
}

function resolveImport(from, spec) {
  if (spec.startsWith('.')) return asFile(resolve(dirname(from), spec));
  const alias = /^@switchyard\/([^/]+)(\/.*)?$/.exec(spec);
  if (alias && alias[1] !== 'testing') {
    return asFile(join(root, 'libs', alias[1], 'src', alias[2] ? alias[2].slice(1) : 'index'));
  }
  return undefined; // a package
}

const files = roots.filter(existsSync).flatMap((d) => sourceFiles(d));
const graph = new Map();
for (const file of files) {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  const targets = info.importedFiles
    .map((ref) => resolveImport(file, ref.fileName))
    .filter((target) => target && !skip.test(target));
  graph.set(file, [...new Set(targets)]);
}

// Tarjan's strongly connected components: every component of more than one file is a circle.
let index = 0;
const state = new Map();
const stack = [];
const circles = [];
function visit(node) {
  const s = { index, low: index, onStack: true };
  index += 1;
  state.set(node, s);
  stack.push(node);
  for (const next of graph.get(node) ?? []) {
    if (!graph.has(next)) continue;
    const t = state.get(next);
    if (!t) {
      visit(next);
      s.low = Math.min(s.low, state.get(next).low);
    } else if (t.onStack) {
      s.low = Math.min(s.low, t.index);
    }
  }
  if (s.low === s.index) {
    const component = [];
    let member;
    do {
      member = stack.pop();
      state.get(member).onStack = false;
      component.push(member);
    } while (member !== node);
    const selfImport = (graph.get(node) ?? []).includes(node);
    if (component.length > 1 || selfImport) circles.push(component);
  }
}
for (const file of graph.keys()) if (!state.has(file)) visit(file);

if (circles.length) {
  console.error(`import circles (${circles.length}):`);
  for (const circle of circles) {
    console.error(`  - ${circle.map((f) => relative(root, f)).join('\n    ')}`);
  }
  process.exit(1);
}
console.log(`import graph: ${graph.size} files, no circles`);
