/**
 * Coverage read by the extension's pages straight from the database (the same origin as the
 * background): opening the popup never waits for a stopped background to start, load its code
 * and check the seeds before the first related item can show.
 */
import { UNDATED, entityTimeline, openCoverageDb, relatedIfCounted, type CoverageDb } from '../background/coverage-db.ts';
import type { RelatedItem } from '../core/coverage.ts';
import type { TimelineItem } from '../messages.ts';
import { send } from '../platform/browser.ts';

let opened: Promise<CoverageDb> | null = null;

function database(): Promise<CoverageDb> {
  opened ??= openCoverageDb();
  opened.catch(() => (opened = null));
  return opened;
}

/** Opens the database ahead of the first read (a cold open is tens of milliseconds), while other work goes on. */
export function warmCoverageReads(): void {
  database().catch(() => undefined);
}

/** Stored articles sharing entities with a page, best first (the page's own article left out). */
export async function relatedTo(entities: readonly string[], url: string | null): Promise<RelatedItem[]> {
  const db = await database();
  const pageEntities = new Set(entities);
  const found = await relatedIfCounted(db, pageEntities, 20, { url });
  if (found) return found;
  // A store the background has not filled yet (right after install: it stores the seeds first), or
  // one an older version filled without counts (it counts them): read once it answers.
  await send({ type: 'coverage/seeded' });
  return (await relatedIfCounted(db, pageEntities, 20, { url })) ?? [];
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
