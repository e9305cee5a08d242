/** A tiny HTTP server on 127.0.0.1 for test pages: fixed routes plus saved news pages, scripts stripped. */
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { NEWS_PAGES_DIR } from './paths.ts';

export interface TestServer {
  url: (path: string) => string;
  /**
   * Serves `html` at `path` from now on, with the default policy (nothing loads) or `csp` (a page
   * that runs its own script and makes its own requests).
   */
  route: (path: string, html: string, csp?: string) => void;
  close: () => Promise<void>;
}

/**
 * Removes scripts (inline event handlers too), so a saved page is static and makes no requests of
 * its own. Frames keep their box but show an empty document: one the page's policy refuses shows
 * the browser's error page instead, whose own script (about 50 ms of microtasks on a page with six)
 * a benchmark would count as the page's.
 */
export function stripScripts(html: string): string {
  let out = html.replace(/<script\b[\s\S]*?<\/script\s*>/gi, '').replace(/<script\b[^>]*\/>/gi, '');
  // One handler per tag goes in each pass.
  for (let before = ''; before !== out;) {
    before = out;
    out = out.replace(/(<[a-z][^<>]*?)\s+on[a-z]+\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+)/gi, '$1');
  }
  return out
    .replace(/<meta[^>]+http-equiv=["']?refresh[^>]*>/gi, '')
    .replace(/(<i?frame\b[^>]*?\s)src\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+)/gi, '$1src="about:blank"');
}

export async function startServer(): Promise<TestServer> {
  const routes = new Map<string, string>();
  const policies = new Map<string, string>();
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]);
    let body = routes.get(path);
    if (body === undefined && path.startsWith('/news/') && /^[\w.-]+\.html$/.test(path.slice(6))) {
      try {
        body = stripScripts(readFileSync(NEWS_PAGES_DIR + path.slice(6), 'utf8'));
      } catch {
        body = undefined;
      }
    }
    if (body === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      // The pages are static: nothing they could load is wanted, and no request may leave the machine.
      // Compiling WebAssembly stays allowed, as on most news sites (Chromium holds a content script
      // to the page's policy there); a test that wants it refused gives its own policy.
      'content-security-policy': policies.get(path) ?? "default-src 'none'; script-src 'wasm-unsafe-eval'; style-src 'unsafe-inline'; img-src 'self' data:",
    }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    route: (path, html, csp) => {
      routes.set(path, html);
      if (csp) policies.set(path, csp);
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
