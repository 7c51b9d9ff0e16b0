import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../../support/server.js';
import { client, type Client } from '../../support/http.js';
import { freePort } from '../../support/own-redis.js';

// The console's tests drive Debian's Chromium (/usr/bin/chromium; .ci/run installs it) through
// playwright-core against a real server. Every page fails its test on a request that leaves the
// service's origin and on any script error or console error.

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = join('test-artifacts', 'console');
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];

let built: boolean | undefined;
/** The console is served from dist/console: build it once per test process (tsc of console/src, ~5 s). */
export function buildConsole(): void {
  if (built) return;
  execFileSync('npm', ['run', '--silent', 'build:console'], { stdio: ['ignore', 'ignore', 'inherit'] });
  built = true;
}

/** A test server whose PUBLIC_URL is its own address, so the page's cookie requests pass the Origin check. */
export async function startConsoleServer(env: Record<string, string> = {}): Promise<TestServer> {
  buildConsole();
  const port = await freePort();
  return startTestServer({ PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, ...env });
}

export const launchBrowser = (): Promise<Browser> => chromium.launch({ executablePath: CHROMIUM, args: ARGS });

export interface ConsoleSuite {
  server: TestServer;
  api: Client;
  browser: Browser;
  /** A fresh browser context (no cookies) and page on the console, watched for foreign requests and errors. */
  page(options?: { width?: number; height?: number }): Promise<Page>;
}

/**
 * Mocha hooks for a spec file: one server and one browser for the whole file, a new context per
 * page; after each test, every page's foreign requests and script errors fail it.
 */
export function consoleSuite(env: Record<string, string> = {}): ConsoleSuite {
  const suite = {} as ConsoleSuite;
  let contexts: BrowserContext[] = [];
  let problems: string[] = [];

  before(async function () {
    this.timeout(60_000);
    [suite.server, suite.browser] = await Promise.all([startConsoleServer(env), launchBrowser()]);
    suite.api = client(suite.server.url);
  });
  after(async () => {
    await suite.browser?.close();
    await suite.server?.close();
  });
  afterEach(async function () {
    const found = problems;
    problems = [];
    if (this.currentTest?.state === 'failed') {
      // What each page showed when the test failed, beside the other screenshots.
      const pages = contexts.flatMap((c) => c.pages());
      for (const [i, page] of pages.entries())
        await screenshot(page, `failed-${slug(this.currentTest.title)}-${i + 1}`);
    }
    await Promise.all(contexts.map((c) => c.close()));
    contexts = [];
    // A failed test keeps its own failure; these only fail a test that passed otherwise.
    if (this.currentTest?.state !== 'failed') expect(found, 'foreign requests or script errors').to.deep.equal([]);
  });

  suite.page = async (options = {}) => {
    const origin = new URL(suite.server.url).origin;
    const context = await suite.browser.newContext({
      viewport: { width: options.width ?? 1280, height: options.height ?? 800 },
      baseURL: origin,
    });
    contexts.push(context);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
    // Nothing may leave the service's origin: noted (the test fails) and never sent.
    await context.route(
      (url) => url.origin !== origin && url.protocol !== 'data:',
      (route) => {
        problems.push(`request outside ${origin}: ${route.request().url()}`);
        return route.abort();
      },
    );
    const page = await context.newPage();
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.origin !== origin && url.protocol !== 'data:') problems.push(`request outside ${origin}: ${url.href}`);
    });
    page.on('pageerror', (error) => problems.push(`script error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' && !expectedConsoleError(message.text()))
        problems.push(`console error: ${message.text()}`);
    });
    return page;
  };
  return suite;
}

// Chromium logs every non-2xx fetch as "Failed to load resource: … 4xx". A refusal the page shows
// in words is the behaviour under test, not a script error; a 5xx or a 404 is still caught.
const expectedConsoleError = (text: string) =>
  /^Failed to load resource: the server responded with a status of (400|401|403|409|429)/.test(text);

const slug = (title: string) =>
  title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 60);

/** Saves a screenshot under test-artifacts/console/ (git-ignored). */
export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: options.fullPage ?? true });
}
