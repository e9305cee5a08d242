/**
 * Coverage read by the extension's pages straight from the database (the same origin as the
 * background): opening the popup never waits for a stopped background to start, load its code
 * and check the seeds before the first related item can show.
 */
import { UNDATED, countedWrites, entityTimeline, openCoverageDb, relatedIfCounted, type CoverageDb } from '../background/coverage-db.ts';
import { readCopyHead, relatedFromCopy, type CopyAnswer } from '../background/related-copy-store.ts';
import type { RelatedItem } from '../core/coverage.ts';
import type { TimelineItem } from '../messages.ts';
import { send, sessionArea } from '../platform/browser.ts';

let opened: Promise<CoverageDb> | null = null;

function database(): Promise<CoverageDb> {
  opened ??= openCoverageDb();
  opened.catch(() => (opened = null));
  return opened;
}

let copyHead: Promise<Record<string, unknown>> | null = null;

/**
 * Opens the database ahead of the first read (a cold open is tens of milliseconds, hundreds with
 * a large store) and reads the ranking copy's header, while other work goes on.
 */
export function warmCoverageReads(): void {
  database().catch(() => undefined);
  copyHead = readCopyHead(sessionArea());
  copyHead.catch(() => undefined);
}

const RELATED_LIMIT = 20;

/**
 * Related coverage from the background's ranking copy, before the database has opened: without
 * snippets, and to be replaced by relatedTo's answer (a copy a write left behind may differ).
 */
export async function relatedFromTheCopy(entities: readonly string[], url: string | null): Promise<CopyAnswer> {
  const head = copyHead ?? undefined;
  // Read ahead once: a later query (the site paused or resumed) reads the header again.
  copyHead = null;
  return relatedFromCopy(sessionArea(), new Set(entities), RELATED_LIMIT, { url }, head);
}

/**
 * Stored articles sharing entities with a page, best first (the page's own article left out), from
 * the database, and how many article writes it has committed (what the ranking copy is checked by).
 */
export async function relatedTo(entities: readonly string[], url: string | null): Promise<{ items: RelatedItem[]; writes: number }> {
  const db = await database();
  const pageEntities = new Set(entities);
  // A store the background has not filled yet (right after install: it stores the seeds first), or
  // one an older version filled without counts (it counts them): read once it answers.
  let items = await relatedIfCounted(db, pageEntities, RELATED_LIMIT, { url });
  if (!items) {
    await send({ type: 'coverage/seeded' });
    items = (await relatedIfCounted(db, pageEntities, RELATED_LIMIT, { url })) ?? [];
  }
  return { items, writes: countedWrites(db) ?? 0 };
}

/** Has the background build the ranking copy (it answers at once when the copy is current). */
export function askForTheCopy(): void {
  void send({ type: 'coverage/copy' }).catch(() => undefined);
}

/** Up to `limit` stored articles mentioning `entity` by date, and how many there are. */
export async function timelineOf(entity: string, limit?: number): Promise<{ items: TimelineItem[]; total: number }> {
  const db = await database();
  // Right after install the background may not have stored the seeds yet: it answers once it has.
  if ((await db.getAllKeys('articles', undefined, 1)).length === 0) await send({ type: 'coverage/seeded' });
  const { rows, total } = await entityTimeline(db, entity, limit);
  return {
    total,
    items: rows.map((r): TimelineItem => ({
      id: r.id, url: r.url, title: r.title, outlet: r.outlet, published: r.published === UNDATED ? null : r.published,
      lang: r.lang, sentence: r.sentence,
    })),
  };
}
