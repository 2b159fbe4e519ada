import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Response } from 'express';

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

function consoleHeaders(res: Response): void {
  res.setHeader('Content-Security-Policy', CONSOLE_CSP);
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Cache-Control', 'no-cache');
}

/** Serves the static console at /console and uPlot at /console/vendor/uplot. */
export function mountConsole(app: NestExpressApplication): void {
  const options = { etag: true, redirect: true, setHeaders: consoleHeaders };
  app.useStaticAssets(uplotDir(), {
    ...options,
    prefix: `${CONSOLE_PATH}/vendor/uplot`,
    index: false,
  });
  app.useStaticAssets(consoleClientDir(), {
    ...options,
    prefix: CONSOLE_PATH,
    index: 'index.html',
  });
}
