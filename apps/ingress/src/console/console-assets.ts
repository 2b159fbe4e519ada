import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
// Its declarations add reply.sendFile to Fastify's reply type.
import type {} from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/** Where the console is served. */
export const CONSOLE_PATH = '/console';

/**
 * The console's files live beside the sources (apps/ingress/console), which tsc does not copy:
 * found by walking up from this file, from src/ (tests) or dist/ (npm start, the image) alike.
 */
export function consoleClientDir(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'apps', 'ingress', 'console');
    if (existsSync(join(candidate, 'index.html'))) return candidate;
    if (dirname(dir) === dir) throw new Error(`console assets not found above ${from}`);
  }
}

/** uPlot, from the package's own dependencies: the console loads nothing from elsewhere. */
export function uplotDir(): string {
  return dirname(require.resolve('uplot/dist/uPlot.iife.min.js'));
}

/**
 * Everything the page may load comes from this origin; no inline script. uPlot sizes its elements
 * through style attributes, hence 'unsafe-inline' for styles only.
 */
export const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * @fastify/static hands setHeaders Fastify's reply (`header`), though Nest's option type still
 * names the `setHeader` of the plugin's older versions: either is called.
 */
function consoleHeaders(target: object): void {
  const res = target as {
    header?: (name: string, value: string) => unknown;
    setHeader?: (name: string, value: string) => unknown;
  };
  const set = (name: string, value: string): unknown =>
    res.header ? res.header(name, value) : res.setHeader?.(name, value);
  set('Content-Security-Policy', CONSOLE_CSP);
  set('Referrer-Policy', 'no-referrer');
  set('X-Content-Type-Options', 'nosniff');
  set('Cache-Control', 'no-cache');
}

/** Serves the static console at /console/ and uPlot at /console/vendor/uplot/. */
export function mountConsole(app: NestFastifyApplication): void {
  const root = consoleClientDir();
  const options = { etag: true, redirect: false, setHeaders: consoleHeaders };
  app.useStaticAssets({
    ...options,
    root: uplotDir(),
    prefix: `${CONSOLE_PATH}/vendor/uplot/`,
    index: false,
  });
  app.useStaticAssets({
    ...options,
    root,
    prefix: `${CONSOLE_PATH}/`,
    index: 'index.html',
    // One plugin instance decorates the reply with sendFile; the second must not again.
    decorateReply: false,
  });
  // The router ignores trailing slashes, so /console/ arrives here too. The page's links are
  // relative to /console/: without the slash the browser is sent there first.
  app
    .getHttpAdapter()
    .getInstance()
    .get(CONSOLE_PATH, (req, reply) => {
      if (!req.url.split('?')[0].endsWith('/')) return reply.redirect(`${CONSOLE_PATH}/`, 301);
      consoleHeaders(reply);
      return reply.sendFile('index.html', root);
    });
}
