// @vitest-environment happy-dom
/**
 * When later content is scanned: soon after a change on a quiet page; less and less often on a
 * page that keeps changing (a ticker), and soon again once it goes quiet; never lost.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RescanScheduler } from '../../src/page/rescan-scheduler.ts';

afterEach(() => {
  vi.useRealTimers();
});

function setup() {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  document.body.innerHTML = '<article><p id="story">Story</p></article><div id="ticker">0</div>';
  const scans: { at: number; roots: string[] }[] = [];
  // No requestIdleCallback here: the scheduler flushes from its timer.
  const win = Object.assign(Object.create(window) as Window, { requestIdleCallback: undefined, setTimeout, clearTimeout, document });
  const scheduler = new RescanScheduler(win, (roots) => scans.push({ at: performance.now(), roots: roots.map((r) => (r as Element).id || r.nodeName) }), () => true, () => false);
  return { scheduler, scans };
}

describe('the rescan scheduler', () => {
  it('scans a change on a quiet page within a tenth of a second', () => {
    const { scheduler, scans } = setup();
    const p = document.createElement('p');
    p.id = 'late';
    document.querySelector('article')!.append(p);
    scheduler.add(p);
    scheduler.schedule();
    vi.advanceTimersByTime(100);
    expect(scans.map((s) => s.roots)).toEqual([['late']]);
  });

  it('backs off on a ticker (16 changes a second) to one scan every 2 s, and comes back when it stops', () => {
    const { scheduler, scans } = setup();
    const ticker = document.getElementById('ticker')!;
    for (let t = 0; t < 10_000; t += 62.5) {
      ticker.textContent = String(t);
      scheduler.add(ticker.firstChild!);
      scheduler.schedule();
      vi.advanceTimersByTime(62.5);
    }
    const last5s = scans.filter((s) => s.at >= 5000);
    expect(scans.length).toBeLessThanOrEqual(12);
    expect(last5s.length).toBeLessThanOrEqual(3);
    expect(scheduler.currentDelay).toBe(2000);
    // The ticker stops; after a quiet spell a new paragraph is scanned soon again.
    vi.advanceTimersByTime(5000);
    const before = scans.length;
    const p = document.createElement('p');
    p.id = 'after';
    document.querySelector('article')!.append(p);
    scheduler.add(p);
    scheduler.schedule();
    vi.advanceTimersByTime(150);
    expect(scans.slice(before).map((s) => s.roots)).toEqual([['after']]);
  });

  it('scans only the outermost of nested blocks, and the whole page when the body changed', () => {
    const { scheduler, scans } = setup();
    const article = document.querySelector('article')!;
    scheduler.add(document.getElementById('story')!.firstChild!);
    scheduler.add(article);
    scheduler.schedule();
    vi.advanceTimersByTime(100);
    expect(scans.at(-1)!.roots).toEqual(['ARTICLE']);
    scheduler.add(document.documentElement);
    scheduler.schedule();
    vi.advanceTimersByTime(2500);
    expect(scans.at(-1)!.roots).toEqual(['BODY']);
  });
});
