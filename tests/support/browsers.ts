/**
 * Real browsers with the built extension loaded: Chromium through playwright-core, Firefox ESR
 * through puppeteer-core over WebDriver BiDi. Both are wrapped in the same small interface.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { chromium, type BrowserContext, type Page as PwPage } from 'playwright-core';
import puppeteer, { type Browser as PpBrowser, type KeyInput, type Page as PpPage } from 'puppeteer-core';
import { CHROME_BUILD, CHROMIUM_PATH, FIREFOX_BUILD, FIREFOX_PATH } from './paths.ts';

export const GECKO_ID = 'newsgloss@newsgloss.app';

/** What a test does with a tab, whichever browser it is in. */
export interface TestPage {
  goto(url: string): Promise<void>;
  /** Opens one of the extension's own pages and waits until its document has loaded. */
  openExtensionPage(url: string): Promise<void>;
  evaluate<R, A>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
  mouseMove(x: number, y: number): Promise<void>;
  click(x: number, y: number): Promise<void>;
  /** Types text into whatever has the focus, key by key. */
  type(text: string): Promise<void>;
  /** Presses a key or a chord such as "Control+Enter". */
  press(keys: string): Promise<void>;
  /** What the reader sees: the viewport as PNG bytes. */
  screenshot(): Promise<Uint8Array>;
  /**
   * Runs `fn` on the extension's closed shadow root, as a reader's tools see the UI (the page's
   * own scripts cannot reach it): null when the UI host does not exist within `waitMs`. The
   * argument and the result travel as JSON.
   */
  inUi<R, A>(fn: (root: ShadowRoot, arg: A) => R | Promise<R>, arg: A, waitMs?: number): Promise<R | null>;
  /** Runs `fn` in every new document of this tab before the page's own scripts. */
  addInitScript(fn: () => void): Promise<void>;
  /**
   * Evaluates an expression in the extension's content-script world of the top frame, which the
   * page cannot see. Chromium only (DevTools lists isolated worlds; Firefox's remote protocol
   * does not reach an extension's content-script sandbox).
   */
  inExtensionWorld?(expression: string): Promise<unknown>;
  /** Errors thrown by scripts in the page, collected since it opened. */
  errors: string[];
  close(): Promise<void>;
}

export interface TestBrowser {
  name: 'chromium' | 'firefox';
  /** Origin of the extension's own pages. */
  extensionOrigin: string;
  newPage(): Promise<TestPage>;
  /** URLs the browser requested outside 127.0.0.1 and the extension (should stay empty). */
  outsideRequests: string[];
  /** Addresses of every open tab. */
  tabUrls(): Promise<string[]>;
  /** Runs `fn` in the extension's service worker (Chromium only). */
  inBackground?<R, A>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
  /** Stops the extension's service worker, as the browser does when it is idle (Chromium only). */
  stopServiceWorker?(): Promise<void>;
  /** Follows the extension's service worker as DevTools reports it (Chromium only). */
  watchServiceWorker?(): Promise<ServiceWorkerWatch>;
  close(): Promise<void>;
}

/** The extension's service worker, followed from outside: whether something woke it. */
export interface ServiceWorkerWatch {
  /** Stops the worker and resolves once DevTools reports it stopped; counts starts from then. */
  stop(): Promise<void>;
  /** How many times the worker has started since the last stop. */
  starts(): number;
  close(): Promise<void>;
}

/** The one element the extension adds to a page (its UI lives in the host's closed shadow root). */
const HOST_TAG = 'newsgloss-ui';
const NO_HOST = Symbol('no host');

/** A node of DevTools' DOM tree, as far as finding the UI host's shadow root needs. */
interface CdpNode {
  nodeId: number;
  nodeName: string;
  children?: CdpNode[];
  shadowRoots?: CdpNode[];
  contentDocument?: CdpNode;
}

function findClosedRoot(node: CdpNode): CdpNode | null {
  if (node.nodeName.toLowerCase() === HOST_TAG && node.shadowRoots?.length) return node.shadowRoots[0];
  for (const child of node.children ?? []) {
    const found = findClosedRoot(child);
    if (found) return found;
  }
  return null;
}

/** The parts of puppeteer's WebDriver BiDi realm a UI probe uses. */
interface BidiRealm {
  callFunction(fn: string, awaitPromise: boolean, options: object): Promise<{
    result?: { type: string; value?: unknown & { shadowRoot?: { sharedId?: string } }; sharedId?: string };
    exceptionDetails?: unknown;
  }>;
}

/** Retries `probe` until the UI host exists or `waitMs` passes. */
async function untilHost<R>(waitMs: number, probe: () => Promise<R | typeof NO_HOST>): Promise<R | null> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const got = await probe();
    if (got !== NO_HOST) return got;
    if (Date.now() >= deadline) return null;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-quic', '--disable-default-apps',
];

function isOutside(url: string): boolean {
  return !/^(https?:\/\/127\.0\.0\.1[:/]|chrome-extension:|moz-extension:|data:|about:|blob:|chrome:)/.test(url);
}

/**
 * Chromium with the build loaded. `profile`: a profile folder the caller keeps (and removes), to
 * launch the same profile again as a browser restart does; by default a new one, removed on close.
 */
export async function launchChromium(build = CHROME_BUILD, { profile: kept }: { profile?: string } = {}): Promise<TestBrowser> {
  const profile = kept ?? mkdtempSync(join(tmpdir(), 'ng-chromium-'));
  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS, `--disable-extensions-except=${build}`, `--load-extension=${build}`],
  });
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
  const extensionOrigin = `chrome-extension://${new URL(worker.url()).host}`;
  const outsideRequests: string[] = [];
  context.on('request', (r) => {
    if (isOutside(r.url())) outsideRequests.push(r.url());
  });
  for (const p of context.pages()) await p.close();
  const wrap = (page: PwPage): TestPage => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    return {
      errors,
      goto: async (url) => void (await page.goto(url, { waitUntil: 'load' })),
      openExtensionPage: async (url) => void (await page.goto(url, { waitUntil: 'load' })),
      evaluate: (fn, arg) => page.evaluate(fn as never, arg) as never,
      mouseMove: (x, y) => page.mouse.move(x, y),
      click: (x, y) => page.mouse.click(x, y),
      type: (text) => page.keyboard.type(text),
      press: (keys) => page.keyboard.press(keys),
      screenshot: async () => new Uint8Array(await page.screenshot({ type: 'png' })),
      addInitScript: async (fn) => void (await page.addInitScript(fn)),
      inExtensionWorld: async (expression) => {
        const cdp = await page.context().newCDPSession(page);
        try {
          const worlds: { id: number; origin: string; auxData?: { type?: string; isDefault?: boolean; frameId?: string } }[] = [];
          cdp.on('Runtime.executionContextCreated', (e) => worlds.push(e.context));
          // Enabling reports every existing context before it returns.
          await cdp.send('Runtime.enable');
          const tree = await cdp.send('Page.getFrameTree');
          const world = worlds.find((w) => w.origin === extensionOrigin && w.auxData?.type === 'isolated' && w.auxData.frameId === tree.frameTree.frame.id);
          if (!world) throw new Error('the page has no content-script world of the extension');
          const { result, exceptionDetails } = await cdp.send('Runtime.evaluate', { expression, contextId: world.id, returnByValue: true });
          if (exceptionDetails) throw new Error(exceptionDetails.exception?.description ?? exceptionDetails.text);
          return result.value;
        } finally {
          await cdp.detach().catch(() => undefined);
        }
      },
      inUi: (fn, arg, waitMs = 5000) => untilHost(waitMs, async () => {
        // DevTools sees closed shadow roots: find the host's, then call `fn` on it in the page.
        const cdp = await page.context().newCDPSession(page);
        try {
          const { root } = await cdp.send('DOM.getDocument', { depth: -1, pierce: true });
          const shadow = findClosedRoot(root as CdpNode);
          if (!shadow) return NO_HOST;
          const { object } = await cdp.send('DOM.resolveNode', { nodeId: shadow.nodeId });
          const { result, exceptionDetails } = await cdp.send('Runtime.callFunctionOn', {
            objectId: object.objectId!,
            functionDeclaration: `async function (arg) { return JSON.stringify(await (${fn.toString()})(this, JSON.parse(arg)) ?? null); }`,
            arguments: [{ value: JSON.stringify(arg ?? null) }],
            awaitPromise: true,
            returnByValue: true,
          });
          if (exceptionDetails) throw new Error(exceptionDetails.exception?.description ?? exceptionDetails.text);
          return JSON.parse(result.value as string);
        } finally {
          await cdp.detach().catch(() => undefined);
        }
      }),
      close: () => page.close(),
    };
  };
  return {
    name: 'chromium',
    extensionOrigin,
    outsideRequests,
    newPage: async () => wrap(await context.newPage()),
    tabUrls: async () => context.pages().map((p) => p.url()),
    stopServiceWorker: async () => {
      const page = context.pages()[0] ?? (await context.newPage());
      const cdp = await context.newCDPSession(page);
      await cdp.send('ServiceWorker.enable');
      await cdp.send('ServiceWorker.stopAllWorkers');
      await cdp.detach();
    },
    watchServiceWorker: async () => {
      // A tab of its own: DevTools reports the workers of the tab's browser context, the
      // extension's included, for as long as the session lives.
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      const status = new Map<string, string>();
      let starts = 0;
      cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
        for (const v of versions) {
          if (!v.scriptURL.startsWith(extensionOrigin)) continue;
          if (v.runningStatus === 'starting' && status.get(v.versionId) !== 'starting') starts++;
          status.set(v.versionId, v.runningStatus);
        }
      });
      await cdp.send('ServiceWorker.enable');
      const allStopped = () => status.size > 0 && [...status.values()].every((s) => s === 'stopped');
      return {
        stop: async () => {
          await cdp.send('ServiceWorker.stopAllWorkers');
          const deadline = Date.now() + 10_000;
          while (!allStopped()) {
            if (Date.now() > deadline) throw new Error(`the service worker did not stop: ${[...status.values()].join(', ')}`);
            await new Promise((r) => setTimeout(r, 50));
          }
          starts = 0;
        },
        starts: () => starts,
        close: async () => {
          await cdp.detach().catch(() => undefined);
          await page.close();
        },
      };
    },
    inBackground: async (fn, arg) => {
      const current = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
      return current.evaluate(fn as never, arg) as never;
    },
    close: async () => {
      await context.close();
      if (!kept) rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Firefox ESR with the build installed. `grantSites: false` leaves the host permission to the
 * reader, as Firefox does for MV3 add-ons by default.
 */
export async function launchFirefox(build = FIREFOX_BUILD, { grantSites = true } = {}): Promise<TestBrowser> {
  const uuid = randomUUID();
  const browser: PpBrowser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX_PATH,
    headless: true,
    args: ['--remote-allow-system-access'],
    extraPrefsFirefox: {
      'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: uuid }),
      // MV3 host permissions are opt-in in Firefox; a reader grants them once, the test profile up front.
      'extensions.originControls.grantByDefault': grantSites,
    },
  });
  await browser.installExtension(build);
  const outsideRequests: string[] = [];
  const wrap = (page: PpPage): TestPage => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('request', (r) => {
      if (isOutside(r.url())) outsideRequests.push(r.url());
    });
    return {
      errors,
      goto: async (url) => void (await page.goto(url, { waitUntil: 'load' })),
      openExtensionPage: async (url) => {
        // Navigating to a moz-extension: page never resolves goto: start it, then wait for the page.
        page.goto(url).catch(() => undefined);
        // The wait can fail when the old document goes away under it: wait again until the deadline.
        const deadline = Date.now() + 15_000;
        for (;;) {
          try {
            await page.waitForFunction(
              (prefix: string) => location.href.startsWith(prefix) && document.readyState === 'complete',
              { timeout: Math.max(1, deadline - Date.now()) },
              url.split('?')[0],
            );
            break;
          } catch (error) {
            if (Date.now() >= deadline) throw error;
            await new Promise((r) => setTimeout(r, 100));
          }
        }
      },
      evaluate: (fn, arg) => page.evaluate(fn as never, arg) as never,
      mouseMove: (x, y) => page.mouse.move(x, y),
      click: (x, y) => page.mouse.click(x, y),
      type: (text) => page.keyboard.type(text),
      press: async (keys) => {
        const parts = keys.split('+') as KeyInput[];
        const key = parts.pop()!;
        for (const m of parts) await page.keyboard.down(m);
        await page.keyboard.press(key);
        for (const m of parts.reverse()) await page.keyboard.up(m);
      },
      screenshot: async () => new Uint8Array(await page.screenshot({ type: 'png' })),
      addInitScript: async (fn) => void (await page.evaluateOnNewDocument(fn)),
      inUi: (fn, arg, waitMs = 5000) => untilHost(waitMs, async () => {
        // WebDriver BiDi serialises closed shadow roots when asked to: get the host's, then pass it back as an argument.
        const realm = (page.mainFrame() as unknown as { browsingContext: { defaultRealm: BidiRealm } }).browsingContext.defaultRealm;
        const { result: host } = await realm.callFunction(`() => document.querySelector('${HOST_TAG}')`, false, {
          serializationOptions: { includeShadowTree: 'all', maxDomDepth: 0 },
          resultOwnership: 'root',
        });
        const shadow = host?.type === 'node' ? host.value?.shadowRoot : undefined;
        if (!shadow?.sharedId) return NO_HOST;
        const { result, exceptionDetails } = await realm.callFunction(
          `async (root, arg) => JSON.stringify(await (${fn.toString()})(root, JSON.parse(arg)) ?? null)`,
          true,
          { arguments: [{ sharedId: shadow.sharedId }, { type: 'string', value: JSON.stringify(arg ?? null) }], resultOwnership: 'none' },
        );
        if (exceptionDetails) throw new Error(`the UI probe failed: ${JSON.stringify(exceptionDetails).slice(0, 500)}`);
        if (result?.type !== 'string') throw new Error(`the UI probe returned ${result?.type}`);
        return JSON.parse(result.value as string);
      }),
      close: () => page.close(),
    };
  };
  return {
    name: 'firefox',
    extensionOrigin: `moz-extension://${uuid}`,
    outsideRequests,
    newPage: async () => wrap(await browser.newPage()),
    // A tab the extension opened can still report about:blank through page.url(): ask the document.
    tabUrls: async () => Promise.all((await browser.pages()).map((p) => p.evaluate(() => location.href).catch(() => p.url()))),
    close: () => browser.close(),
  };
}
