import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's package (`apt-get install chromium`); nothing downloads a browser. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Headless Chromium with a fresh profile, watching what a page does: every message the browser
 * console shows as an error (and uncaught exceptions), and every request that is not for
 * 127.0.0.1 (those are aborted and listed, so a test can assert the console loads nothing else).
 */
export class ConsoleBrowser {
  readonly consoleErrors: string[] = [];
  readonly foreignRequests: string[] = [];
  readonly requests: string[] = [];

  private constructor(
    readonly context: BrowserContext,
    private readonly profileDir: string,
  ) {}

  static async launch(viewport = { width: 1366, height: 900 }): Promise<ConsoleBrowser> {
    const profileDir = mkdtempSync(join(tmpdir(), 'switchyard-chromium-'));
    const context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport,
    });
    const browser = new ConsoleBrowser(context, profileDir);
    await context.route('**/*', async (route) => {
      const url = route.request().url();
      browser.requests.push(url);
      const { protocol, hostname } = new URL(url);
      if (protocol === 'data:' || hostname === '127.0.0.1') return route.continue();
      browser.foreignRequests.push(url);
      return route.abort('blockedbyclient');
    });
    return browser;
  }

  /** `errors`: where this page's console errors go (default: the browser-wide list). */
  async newPage(errors: string[] = this.consoleErrors): Promise<Page> {
    const page = await this.context.newPage();
    page.on('console', (msg) => {
      if (msg.type() === 'error') errors.push(`${page.url()}: ${msg.text()}`);
    });
    page.on('pageerror', (err) => errors.push(`${page.url()}: uncaught ${err.message}`));
    return page;
  }

  async close(): Promise<void> {
    await this.context.close().catch(() => undefined);
    rmSync(this.profileDir, { recursive: true, force: true });
  }
}
