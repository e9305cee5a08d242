/**
 * The popup's list of the page's saved highlights: those placed (choosing one shows it on the
 * page with its note) and those not found, with their quote, note and the paragraph as it read
 * when they were saved, so nothing a reader kept disappears silently.
 */
import { useEffect, useState } from 'preact/hooks';
import type { PageHighlight } from '../messages.ts';
import { browser, sendToTab } from '../platform/browser.ts';

export function PageHighlights({ tabId, revision }: { tabId: number; revision: number }) {
  const [items, setItems] = useState<PageHighlight[] | null>(null);
  const [source, setSource] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    const read = () =>
      sendToTab(tabId, { type: 'page/highlights' })
        .then((r) => {
          if (!live) return;
          setItems(r.items);
          setSource(r.source);
        })
        .catch(() => live && setItems([]));
    void read();
    // Late content can still bring a missing highlight's text: look again for a few seconds.
    const timer = setInterval(() => void read(), 1500);
    const stop = setTimeout(() => clearInterval(timer), 6000);
    return () => {
      live = false;
      clearInterval(timer);
      clearTimeout(stop);
    };
  }, [tabId, revision]);

  const missing = items?.filter((i) => !i.found) ?? [];
  const found = items?.filter((i) => i.found) ?? [];

  return (
    <section aria-labelledby="page-highlights">
      <h2 id="page-highlights">Your highlights here</h2>
      {items === null && <p class="status">Loading…</p>}
      {items?.length === 0 && <p class="status">None yet. Select text on the page, then use “Save highlight” or Alt+Shift+H (Alt+Shift+J steps through saved ones).</p>}
      <ul class="highlights">
        {found.map(({ highlight: h }) => (
          <li class="item highlight" key={h.id} data-highlight={h.id}>
            <button type="button" class={`quote link swatch-${h.colour}`} onClick={() => void sendToTab(tabId, { type: 'page/reveal-highlight', id: h.id })}>
              “{h.quote.exact.length > 160 ? `${h.quote.exact.slice(0, 160)}…` : h.quote.exact}”
            </button>
            {h.note && <p class="note">{h.note}</p>}
            {h.tags.length > 0 && <p class="meta">{h.tags.join(' · ')}</p>}
          </li>
        ))}
      </ul>
      {missing.length > 0 && (
        <>
          <h3 class="error">Not found on this page ({missing.length})</h3>
          <ul class="highlights orphans">
            {missing.map(({ highlight: h }) => (
              <li class="item highlight orphan" key={h.id} data-highlight={h.id} data-missing="true">
                <p class={`quote swatch-${h.colour}`}>“{h.quote.exact}”</p>
                {h.note && <p class="note">{h.note}</p>}
                <details>
                  <summary>As the page read when saved ({h.created.slice(0, 10)})</summary>
                  <p class="snippet">{h.context}</p>
                </details>
              </li>
            ))}
          </ul>
        </>
      )}
      <div class="actions">
        {source && items && items.length > 0 && (
          <button type="button" class="link" onClick={() => void browser.tabs.create({ url: browser.runtime.getURL(`src/highlights/index.html?source=${encodeURIComponent(source)}`) })}>
            Export this page’s highlights
          </button>
        )}
        <button type="button" class="link" onClick={() => void browser.tabs.create({ url: browser.runtime.getURL('src/highlights/index.html') })}>
          All saved highlights
        </button>
        <button type="button" class="link" onClick={() => void browser.runtime.openOptionsPage()}>Your name</button>
      </div>
    </section>
  );
}
