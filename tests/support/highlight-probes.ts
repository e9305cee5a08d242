/**
 * Probes run inside a test page (each self-contained: it is serialised into the page) to drive
 * and read the saved-highlight UI: the selection, the extension's shadow-root controls, the
 * painted saved highlights and the open note.
 */

/** Texts of the ranges painted as saved highlights, by colour. */
export function readSaved(): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const colour of ['yellow', 'green', 'blue', 'pink', 'purple']) {
    const h = CSS.highlights.get(`newsgloss-note-${colour}`);
    if (h && h.size) out[colour] = [...h].map((r) => (r as Range).toString().replace(/\s+/g, ' '));
  }
  return out;
}

export function selectText(args: { id: string; text: string }): boolean {
  const el = document.getElementById(args.id)!;
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const at = (n as Text).data.indexOf(args.text);
    if (at === -1) continue;
    const range = document.createRange();
    range.setStart(n, at);
    range.setEnd(n, at + args.text.length);
    const sel = document.getSelection()!;
    sel.removeAllRanges();
    sel.addRange(range);
    return true;
  }
  return false;
}

/** Labels of the open note panel's buttons. */
export function panelButtons(root: ShadowRoot): string[] {
  return [...root.querySelectorAll('.panel:not([hidden]) button')].map((b) => b.textContent ?? '');
}

/** The centre of a visible element in the extension's shadow root, scrolled into view, waiting for it. */
export async function shadowPoint(root: ShadowRoot, args: { selector: string; timeoutMs: number }): Promise<{ x: number; y: number } | null> {
  const deadline = performance.now() + args.timeoutMs;
  while (performance.now() < deadline) {
    const el = root.querySelector(args.selector) as HTMLElement | null;
    if (el && !el.hidden && el.offsetWidth > 0) {
      // As a reader scrolls a long card to its last line (the card is fixed: the page does not move).
      el.scrollIntoView({ block: 'nearest', inline: 'nearest' });
      const r = el.getBoundingClientRect();
      return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return null;
}

export async function focusedField(root: ShadowRoot, timeoutMs: number): Promise<string | null> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const active = root.activeElement as HTMLInputElement | null;
    if (active?.name) return active.name;
    await new Promise((r) => setTimeout(r, 50));
  }
  return null;
}

/** The centre of the first painted saved highlight of a colour. */
export function savedPoint(colour: string): { x: number; y: number } | null {
  const h = CSS.highlights.get(`newsgloss-note-${colour}`);
  const range = h ? ([...h][0] as Range | undefined) : undefined;
  const rect = range?.getClientRects()[0];
  return rect ? { x: rect.left + Math.min(20, rect.width / 2), y: rect.top + rect.height / 2 } : null;
}

export async function panelNote(root: ShadowRoot, timeoutMs: number): Promise<string | null> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const note = root.querySelector('.panel:not([hidden]) .note');
    if (note) return note.textContent;
    await new Promise((r) => setTimeout(r, 50));
  }
  return null;
}

/** The open note panel's line saying who wrote the highlight and when. */
export function panelByline(root: ShadowRoot): string | null {
  return root.querySelector('.panel:not([hidden]) .by')?.textContent ?? null;
}
