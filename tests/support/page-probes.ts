/**
 * Functions evaluated inside test pages to see what the content script did: the document's
 * highlight registry, which the page sees too, and the extension's UI, whose closed shadow root
 * only the test's browser tools reach (those taking `root` run through TestPage.inUi).
 */

/** A painted range as the page sees it. */
export interface SeenHighlight {
  kind: string;
  text: string;
  x: number;
  y: number;
}

/** Waits (inside the page) until Newsgloss highlights exist, then lists them in document order. */
export async function readHighlights(timeoutMs: number): Promise<SeenHighlight[]> {
  const deadline = performance.now() + timeoutMs;
  const names = () => [...CSS.highlights.keys()].filter((k) => k.startsWith('newsgloss-'));
  let last = -1;
  // Wait until some exist and their number has settled.
  for (;;) {
    const count = names().reduce((n, k) => n + (CSS.highlights.get(k)?.size ?? 0), 0);
    if ((count > 0 && count === last) || performance.now() > deadline) break;
    last = count;
    await new Promise((r) => setTimeout(r, 150));
  }
  const out: (SeenHighlight & { range: AbstractRange })[] = [];
  for (const name of names()) {
    for (const r of CSS.highlights.get(name) ?? []) {
      const range = r as Range;
      const rect = range.getClientRects()[0];
      out.push({ kind: name.slice('newsgloss-'.length), text: range.toString(), x: rect ? rect.left + Math.min(3, rect.width / 2) : -1, y: rect ? rect.top + rect.height / 2 : -1, range });
    }
  }
  out.sort((a, b) => {
    const ra = a.range as Range;
    return ra.compareBoundaryPoints(Range.START_TO_START, b.range as Range);
  });
  return out.map(({ kind, text, x, y }) => ({ kind, text, x, y }));
}

/** Waits for the card to show `expected` as its heading; returns the heading last seen (or null). Runs on the UI's root (TestPage.inUi). */
export async function readCardTitle(root: ShadowRoot, args: { expected: string; timeoutMs: number }): Promise<string | null> {
  const deadline = performance.now() + args.timeoutMs;
  let seen: string | null = null;
  while (performance.now() < deadline) {
    const card = root.querySelector('.card') as HTMLElement | null;
    seen = card && !card.hidden ? (card.querySelector('h2')?.textContent ?? null) : null;
    if (seen === args.expected) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return seen;
}

/** Scrolls the first Newsgloss highlight reading `text` into view and returns a point on it. */
export function pointAtHighlight(text: string): { x: number; y: number } | null {
  for (const name of CSS.highlights.keys()) {
    if (!name.startsWith('newsgloss-')) continue;
    for (const r of CSS.highlights.get(name) ?? []) {
      const range = r as Range;
      if (range.toString() !== text) continue;
      range.startContainer.parentElement?.scrollIntoView({ block: 'center' });
      const rect = range.getClientRects()[0];
      return { x: rect.left + Math.min(4, rect.width / 2), y: rect.top + rect.height / 2 };
    }
  }
  return null;
}

/** Waits until no Newsgloss card is showing; returns whether it went away in time. Runs on the UI's root. */
export async function waitCardHidden(root: ShadowRoot, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const card = root.querySelector('.card') as HTMLElement | null;
    if (!card || card.hidden) return true;
    await new Promise((r) => setTimeout(r, 30));
  }
  return false;
}

/** Waits until the content script has scanned the page (its highlights are registered, even empty). */
export async function waitScanned(timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (CSS.highlights.has('newsgloss-topic')) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

/**
 * Runs in an extension page: sends a page request to the content script of the tab at `url`, as
 * the popup does; null while no content script there answers yet.
 */
export async function askTab(args: { url: string; message: { type: string } }): Promise<unknown> {
  type Api = { tabs: { query(q: object): Promise<{ id?: number; url?: string }[]>; sendMessage(id: number, m: unknown): Promise<unknown> } };
  const g = globalThis as unknown as { browser?: Api; chrome: Api };
  const api = g.browser ?? g.chrome;
  const tab = (await api.tabs.query({})).find((t) => t.url === args.url);
  if (tab?.id === undefined) return null;
  return api.tabs.sendMessage(tab.id, args.message).catch(() => null);
}
