/**
 * The Dockerfile builds one production image for every process: multi-stage, production
 * dependencies only, non-root, a Node-based HEALTHCHECK on /healthz, and every entry file the
 * deploy manifests start is checked by the build and exists in the sources.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  copyParts,
  dockerignore,
  envOf,
  finalStage,
  listFiles,
  loadDockerfile,
  readRepoFile,
  repoPath,
  sourceOfDistEntry,
  stageAncestry,
  stageByName,
  workdirOf,
  type Dockerfile,
  type Stage,
} from './support/repo';

const APPS = ['all-in-one', 'ingress', 'router', 'worker', 'dispatcher', 'provider-sim'];

function instructions(stage: Stage, keyword: string) {
  return stage.instructions.filter((i) => i.keyword === keyword);
}

/** RUN command text of a stage and everything it builds FROM. */
function runText(dockerfile: Dockerfile, stage: Stage): string {
  return stageAncestry(dockerfile, stage)
    .flatMap((s) => instructions(s, 'RUN'))
    .map((i) => i.args)
    .join('\n');
}

describe('Dockerfile', () => {
  const dockerfile = loadDockerfile();
  const runtime = finalStage(dockerfile);

  it('is multi-stage on an LTS Node (>= 20.19) bookworm-slim base', () => {
    expect(dockerfile.stages.length).toBeGreaterThanOrEqual(3);
    const external = dockerfile.stages
      .map((s) => s.from)
      .filter((f) => !stageByName(dockerfile, f));
    expect(external.length).toBeGreaterThan(0);
    for (const image of external) {
      const m = /^node:(\d+)(?:\.(\d+))?[^:]*-bookworm-slim$/.exec(image);
      expect({ image, ok: !!m }).toEqual({ image, ok: true });
      const [major, minor] = [Number(m?.[1]), Number(m?.[2] ?? 99)];
      expect(major % 2).toBe(0); // LTS lines are even
      expect(major > 20 || (major === 20 && minor >= 19)).toBe(true);
    }
  });

  it('builds with `npm ci` + `npm run build` and checks every entry file exists in dist/', () => {
    const build = dockerfile.stages.find((s) => /npm run build/.test(runText(dockerfile, s)));
    expect(build).toBeDefined();
    const text = runText(dockerfile, build as Stage);
    expect(text).toMatch(/npm ci(?!\s+--omit)/);
    const pkg = JSON.parse(readRepoFile('package.json')) as { scripts: Record<string, string> };
    expect(pkg.scripts.build).toMatch(/tsc -p tsconfig\.build\.json/);
    // The build stage's own check names each app's entry file.
    expect(text).toMatch(/for app in ([\w\s-]+); do/);
    const checked = /for app in ([\w\s-]+); do/.exec(text)?.[1].trim().split(/\s+/) ?? [];
    expect(new Set(checked)).toEqual(new Set(APPS));
    expect(text).toContain('dist/apps/${app}/src/main.js');
    expect(text).toContain('dist/apps/cli/src/routes-check.js');
  });

  it('compiles with rootDir ./ and outDir dist, so dist/<path>.js comes from <path>.ts', () => {
    const base = JSON.parse(readRepoFile('tsconfig.json')) as {
      compilerOptions: Record<string, string>;
    };
    const build = JSON.parse(readRepoFile('tsconfig.build.json')) as {
      compilerOptions: Record<string, string>;
    };
    const options = { ...base.compilerOptions, ...build.compilerOptions };
    expect(path.resolve(repoPath(), options.outDir)).toBe(repoPath('dist'));
    expect(path.resolve(repoPath(), options.rootDir)).toBe(repoPath());
  });

  it('has a source file for every entry file the image can start', () => {
    const entries = [
      ...APPS.map((app) => `dist/apps/${app}/src/main.js`),
      'dist/apps/cli/src/routes-check.js',
    ];
    const missing = entries
      .map((entry) => sourceOfDistEntry(entry) as string)
      .filter((source) => !existsSync(repoPath(source)));
    expect(missing).toEqual([]);
  });

  it('ships production dependencies only: node_modules comes from an `npm ci --omit=dev` stage', () => {
    const copies = instructions(runtime, 'COPY').filter((i) => i.flags.from);
    const nodeModules = copies.find((i) =>
      copyParts(i).sources.some((s) => /node_modules\/?$/.test(s)),
    );
    expect(nodeModules).toBeDefined();
    const depsStage = stageByName(dockerfile, nodeModules?.flags.from ?? '');
    expect(depsStage).toBeDefined();
    const depsRun = runText(dockerfile, depsStage as Stage);
    expect(depsRun).toMatch(/npm ci[^\n]*--omit=dev/);
    expect(depsRun).not.toMatch(/npm run build/);
    // The runtime stage itself never installs npm packages (which could pull dev deps back in).
    expect(
      instructions(runtime, 'RUN')
        .map((i) => i.args)
        .join('\n'),
    ).not.toMatch(/npm (ci|install)/);
    // And takes only dist/ from the build stage, not its node_modules.
    const fromBuild = copies.filter((i) => i.flags.from !== nodeModules?.flags.from);
    for (const copy of fromBuild) {
      expect(copyParts(copy).sources.every((s) => /(^|\/)dist\/?$/.test(s))).toBe(true);
    }
  });

  it('runs as a non-root numeric user', () => {
    const users = instructions(runtime, 'USER');
    expect(users.length).toBeGreaterThan(0);
    const user = users[users.length - 1].args.split(':')[0];
    expect(user).toMatch(/^\d+$/);
    expect(Number(user)).toBeGreaterThan(0);
  });

  it('sets NODE_ENV=production, exposes 3000 and 4010, binds the simulator to all interfaces', () => {
    const env = envOf(dockerfile, runtime);
    expect(env.NODE_ENV).toBe('production');
    expect(env.SIM_HOST).toBe('0.0.0.0');
    const exposed = instructions(runtime, 'EXPOSE').flatMap((i) => i.args.split(/\s+/));
    expect(exposed).toEqual(expect.arrayContaining(['3000', '4010']));
    expect(env.PORT ?? '3000').toBe('3000');
  });

  it('defaults to the all-in-one process', () => {
    const cmd = instructions(runtime, 'CMD').pop();
    expect(cmd?.exec).toEqual(['node', 'dist/apps/all-in-one/src/main.js']);
    expect(instructions(runtime, 'ENTRYPOINT')).toEqual([]); // so a command override is just argv
    expect(workdirOf(dockerfile, runtime)).toBe('/app');
  });

  it('has a HEALTHCHECK that asks /healthz with node (no curl in slim images)', () => {
    const hc = instructions(runtime, 'HEALTHCHECK').pop();
    expect(hc).toBeDefined();
    const cmd = /^CMD\s+(.*)$/.exec(hc?.args ?? '')?.[1] ?? '';
    const exec = JSON.parse(cmd) as string[];
    expect(exec[0]).toBe('node');
    expect(exec.join(' ')).not.toMatch(/curl|wget/);
    // The script it runs is copied into the image from deploy/docker and probes /healthz.
    const script = exec[1];
    const copy = instructions(runtime, 'COPY').find(
      (i) =>
        !i.flags.from &&
        path.posix.resolve(workdirOf(dockerfile, runtime), copyParts(i).dest) === script,
    );
    expect(copy).toBeDefined();
    const source = copyParts(copy as (typeof runtime.instructions)[number]).sources[0];
    expect(readFileSync(repoPath(source), 'utf8')).toContain('/healthz');
    expect(hc?.flags.interval).toBeDefined();
    expect(hc?.flags.timeout).toBeDefined();
  });

  it('copies the runtime assets tsc does not emit (the model catalog, routes.yaml)', () => {
    const workdir = workdirOf(dockerfile, runtime);
    const placed = new Set<string>();
    for (const copy of instructions(runtime, 'COPY').filter((i) => !i.flags.from)) {
      const { sources, dest } = copyParts(copy);
      const target = path.posix.resolve(workdir, dest);
      for (const source of sources) {
        const landsAt = dest.endsWith('/')
          ? path.posix.join(target, path.posix.basename(source))
          : target;
        // Only copies that keep the repo layout count (that is how the code finds its assets).
        if (landsAt === path.posix.join(workdir, source)) placed.add(source.replace(/\/$/, ''));
      }
    }
    const assets = [...listFiles('apps'), ...listFiles('libs')].filter(
      (file) =>
        !/\.(ts|md)$/.test(file) &&
        !/(^|\/)(__fixtures__|fixtures|testdata|__snapshots__)\//.test(file),
    );
    expect(assets).toContain('libs/routing/catalog/models.yaml');
    const notCopied = assets.filter(
      (file) => ![...placed].some((source) => file === source || file.startsWith(`${source}/`)),
    );
    expect(notCopied).toEqual([]);
    expect(placed.has('routes.yaml')).toBe(true);
    // The evaluation datasets, read at SWITCHYARD_EVALS_DIR (./evals) by runs and schedules.
    expect(placed.has('evals')).toBe(true);
  });
});

describe('.dockerignore', () => {
  const ignored = dockerignore(readRepoFile('.dockerignore'));
  const dockerfile = loadDockerfile();

  it('keeps dependencies, build output, secrets and git history out of the build context', () => {
    for (const file of [
      'node_modules/x/index.js',
      'dist/apps/x.js',
      '.env',
      '.env.local',
      '.git/HEAD',
    ]) {
      expect({ file, ignored: ignored(file) }).toEqual({ file, ignored: true });
    }
    expect(ignored('.env.example')).toBe(false);
  });

  it('keeps everything the Dockerfile copies from the context', () => {
    const sources = dockerfile.stages
      .flatMap((s) => instructions(s, 'COPY'))
      .filter((i) => !i.flags.from)
      .flatMap((i) => copyParts(i).sources)
      .filter((s) => s !== '.');
    expect(sources.length).toBeGreaterThan(3);
    for (const source of sources) {
      expect({ source, ignored: ignored(source) }).toEqual({ source, ignored: false });
      expect({ source, exists: existsSync(repoPath(source)) }).toEqual({ source, exists: true });
    }
  });

  it('keeps the sources `npm run build` compiles', () => {
    for (const file of [
      'apps/ingress/src/main.ts',
      'libs/config/src/index.ts',
      'tsconfig.build.json',
      'package-lock.json',
    ]) {
      expect({ file, ignored: ignored(file) }).toEqual({ file, ignored: false });
    }
    expect(ignored('apps/ingress/src/main.spec.ts')).toBe(true);
  });

  it('matches the way Docker does (parents, ** and ! exceptions)', () => {
    const m = dockerignore('deploy\n!deploy/docker\n**/*.spec.ts\nbench/results\n');
    expect(m('deploy/k8s/base/kustomization.yaml')).toBe(true);
    expect(m('deploy/docker/healthcheck.js')).toBe(false);
    expect(m('a/b/c.spec.ts')).toBe(true);
    expect(m('x.spec.ts')).toBe(true);
    expect(m('bench/results/1.json')).toBe(true);
    expect(m('bench/src/main.ts')).toBe(false);
  });
});
