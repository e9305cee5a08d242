/**
 * When content that arrives later is scanned. The MutationObserver only queues the changed nodes;
 * they are scanned in idle time, a few blocks at a time within each idle period's deadline, so a
 * page that changes a lot never gets one long task from us. A page that keeps changing (a ticker,
 * a live blog's clock) is looked at less and less often: a flush that comes soon after the last
 * one doubles the wait before the next (up to MAX_DELAY_MS), and a second without changes brings it back.
 */
import { blockRootOf } from './dom-roots.ts';

const MIN_DELAY_MS = 60;
const MAX_DELAY_MS = 2000;
/** Without a change for this long, the page is quiet again: the wait goes back to MIN_DELAY_MS. */
const QUIET_MS = 1000;
/** An idle period is waited for at most this long (a page that is never idle still gets scanned). */
const IDLE_TIMEOUT_MS = 1000;
/** Blocks scanned between two looks at the idle deadline. */
const CHUNK = 16;
/** Time left in an idle period below which the rest waits for the next one. */
const MIN_REMAINING_MS = 2;

type IdleWindow = Window & {
  requestIdleCallback?: (cb: (d: IdleDeadline) => void, opts?: { timeout: number }) => number;
  cancelIdleCallback?: (handle: number) => void;
};

export class RescanScheduler {
  private readonly queued = new Set<Node>();
  private timer = 0;
  private idle = 0;
  private delay = MIN_DELAY_MS;
  private lastFlush = -Infinity;
  private lastChange = -Infinity;

  /**
   * `scan(roots)` scans blocks (the body alone means the whole page); `before()` runs first at
   * each flush and returns false to drop the queue (the page changed under us, or we stopped);
   * `ignore(node)` tells nodes of our own UI.
   */
  constructor(
    private readonly win: IdleWindow,
    private readonly scan: (roots: Node[]) => void,
    private readonly before: () => boolean,
    private readonly ignore: (node: Node) => boolean,
  ) {}

  /** The wait before the next flush, for measurements and tests. */
  get currentDelay(): number {
    return this.delay;
  }

  add(node: Node): void {
    const now = performance.now();
    // After a quiet spell, a change is scanned soon again.
    if (now - this.lastChange >= QUIET_MS && this.delay > MIN_DELAY_MS) {
      this.delay = MIN_DELAY_MS;
      this.win.clearTimeout(this.timer);
      this.timer = 0;
    }
    this.lastChange = now;
    this.queued.add(node);
  }

  /** Schedules a flush of what is queued, if none is scheduled. */
  schedule(): void {
    if (this.timer || this.idle || this.queued.size === 0) return;
    this.timer = this.win.setTimeout(() => {
      this.timer = 0;
      if (this.win.requestIdleCallback) this.idle = this.win.requestIdleCallback((d) => this.flush(d), { timeout: IDLE_TIMEOUT_MS });
      else this.flush(null);
    }, this.delay);
  }

  /** Forgets what is queued and any flush scheduled. */
  clear(): void {
    this.queued.clear();
    this.win.clearTimeout(this.timer);
    if (this.idle) this.win.cancelIdleCallback?.(this.idle);
    this.timer = 0;
    this.idle = 0;
  }

  private flush(deadline: IdleDeadline | null): void {
    this.idle = 0;
    const now = performance.now();
    // Changes that keep coming as soon as the last batch was scanned: wait longer each time.
    if (now - this.lastFlush < this.delay * 2 + 100) this.delay = Math.min(MAX_DELAY_MS, this.delay * 2);
    this.lastFlush = now;
    if (!this.before()) {
      this.queued.clear();
      return;
    }
    const body = this.win.document.body;
    const roots = new Set<Node>();
    for (const node of this.queued) {
      if (!node.isConnected || this.ignore(node)) continue;
      roots.add(node === this.win.document.documentElement ? body : blockRootOf(node));
    }
    this.queued.clear();
    if (roots.size === 0 || !body) return;
    if (roots.has(body)) {
      this.scan([body]);
      return;
    }
    // Only the outermost of nested blocks: one walk up from each, not every pair compared.
    const outer = [...roots].filter((r) => {
      for (let p = r.parentNode; p; p = p.parentNode) if (roots.has(p)) return false;
      return true;
    });
    let i = 0;
    do {
      this.scan(outer.slice(i, i + CHUNK));
      i += CHUNK;
    } while (i < outer.length && (deadline === null || deadline.timeRemaining() > MIN_REMAINING_MS));
    // The rest in the next idle period.
    for (const r of outer.slice(i)) this.queued.add(r);
    this.schedule();
  }
}
