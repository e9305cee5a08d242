/**
 * All the JavaScript a page's renderer main thread runs while `work` goes on, read from a
 * DevTools trace: script evaluation and compilation, callbacks, microtasks, timers and garbage
 * collection, the time of overlapping events counted once.
 *
 * Why not DevTools' ScriptDuration metric: it leaves out most of a content script's work. The
 * script's first evaluation is in it, but not what runs after its first await (the callbacks of
 * the extension API, where the scan happens), so it reported a page of 500,000 characters costing
 * the extension no more than a page of 50.
 */
import type { BrowserContext, Page } from 'playwright-core';

const SCRIPT_EVENTS = new Set([
  'EvaluateScript', 'FunctionCall', 'RunMicrotasks', 'TimerFire', 'FireAnimationFrame', 'FireIdleCallback',
  'v8.compile', 'v8.compileModule', 'v8.evaluateModule', 'v8.run', 'v8.callFunction',
]);

interface TraceEvent {
  ph: string;
  name: string;
  cat?: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  args?: { name?: string; beginData?: { url?: string }; data?: { url?: string }; chrome_mojo_event_info?: { mojo_interface_tag?: string } };
}

/**
 * A reply to an extension API call (a storage read's answer, made into values here). Replies on
 * the renderer's other interfaces are the page's own: the font data service answers inside the
 * page's layout tasks, which counting them made look like the extension's.
 */
function extensionReply(e: TraceEvent): boolean {
  return e.name === 'Receive mojo reply' && (e.args?.chrome_mojo_event_info?.mojo_interface_tag ?? '').startsWith('extensions.mojom.');
}

/** What one traced stretch of a renderer's main thread did. */
export interface MainThreadFigures {
  /** JavaScript, overlapping events counted once. */
  scriptMs: number;
  /**
   * Replies to extension API calls outside any script: where an answer (a storage read) is
   * turned into JavaScript values, before the callback runs. A large stored
   * value costs its tab here, and no script event shows it.
   */
  repliesMs: number;
  /** Every task the thread ran, overlaps counted once: on an idle page, all that a change elsewhere cost it. */
  busyMs: number;
  /** The longest task the thread ran, those of extension messages included (a page's own long-task observer does not see them). */
  longestTaskMs: number;
  /**
   * The longest task in which script ran or an extension API's reply was made into values, other than the HTML
   * parser's (whose microtask checkpoints count as script). On a page without scripts of its own,
   * that is the extension's, or the driver's one-line probes: the page's own parsing, style and
   * layout tasks, which vary by tens of milliseconds from load to load, are not in it.
   */
  longestScriptTaskMs: number;
  /** The renderer's process id. */
  pid: number;
  /** The browser process's main thread (where extension API calls and events are handled, and the browser's own UI runs): every task, overlaps counted once. */
  browserBusyMs: number;
  /** Its longest task: the whole browser's windows answer no input meanwhile. */
  browserLongestTaskMs: number;
}

/**
 * Runs `work` (which loads `target` in `page`, or waits while it runs) under a trace; returns its
 * result and what the renderer's main thread did meanwhile. The renderer is the one that showed
 * the URL `target` names a part of, or the process `target.pid` (for a window where the page's
 * URL shows in no event: no load, no script of its own). With `fromTarget`, what the thread did
 * before it first showed `target` is left out (a tab's previous page, going away).
 */
export async function traceScript<T>(context: BrowserContext, page: Page, target: string | { pid: number }, work: () => Promise<T>, fromTarget = false): Promise<{ result: T } & MainThreadFigures> {
  const cdp = await context.newCDPSession(page);
  const complete = new Promise<string>((resolve) => cdp.on('Tracing.tracingComplete', (e) => resolve(e.stream ?? '')));
  await cdp.send('Tracing.start', { categories: 'toplevel,devtools.timeline,v8.execute,v8,__metadata', transferMode: 'ReturnAsStream' });
  let result: T;
  try {
    result = await work();
  } finally {
    await cdp.send('Tracing.end');
  }
  const stream = await complete;
  let data = '';
  for (;;) {
    const chunk = await cdp.send('IO.read', { handle: stream });
    data += chunk.base64Encoded ? Buffer.from(chunk.data, 'base64').toString() : chunk.data;
    if (chunk.eof) break;
  }
  await cdp.send('IO.close', { handle: stream });
  await cdp.detach();
  const parsed = JSON.parse(data) as TraceEvent[] | { traceEvents: TraceEvent[] };
  const events = Array.isArray(parsed) ? parsed : parsed.traceEvents;
  return { result, ...mainThreadFigures(events, target, fromTarget) };
}

/** On the main thread of the renderer that parsed `urlPart` or ran its script: the union of script events' time, and the longest tasks. */
function mainThreadFigures(events: readonly TraceEvent[], target: string | { pid: number }, fromTarget: boolean): MainThreadFigures {
  const showing = typeof target === 'string' ? events.filter((e) => (e.args?.beginData?.url ?? e.args?.data?.url ?? '').includes(target)) : [];
  const pids = typeof target === 'string' ? new Set(showing.map((e) => e.pid)) : new Set([target.pid]);
  if (pids.size === 0) throw new Error(`the trace holds no renderer that showed ${String(target)}`);
  const since = fromTarget ? showing.reduce((first, e) => Math.min(first, e.ts), Infinity) : -Infinity;
  const mainThreads = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain' && pids.has(e.pid)).map((e) => `${e.pid}:${e.tid}`));
  const onMain = events.filter((e) => e.ph === 'X' && e.dur !== undefined && e.ts >= since && mainThreads.has(`${e.pid}:${e.tid}`));
  // Every top-level unit of work (a task, a message from the browser and what runs in it): nested ones are shorter than their parent.
  const tasks = onMain.filter((e) => (e.cat ?? '').split(',').includes('toplevel')).map((e) => [e.ts, e.ts + (e.dur ?? 0)] as const);
  const spansOf = (counted: (e: TraceEvent) => boolean) => onMain
    .filter(counted)
    .map((e) => [e.ts, e.ts + (e.dur ?? 0)] as const)
    .sort((a, b) => a[0] - b[0]);
  const spans = spansOf((e) => SCRIPT_EVENTS.has(e.name));
  const withReplies = spansOf((e) => SCRIPT_EVENTS.has(e.name) || extensionReply(e));
  const parsing = onMain.filter((e) => e.name === 'ParseHTML').map((e) => e.ts);
  const within = (from: number, to: number) => (at: readonly [number, number] | number) => (typeof at === 'number' ? at >= from && at <= to : at[0] >= from && at[1] <= to);
  const runsScript = ([from, to]: readonly [number, number]) => withReplies.some(within(from, to)) && !parsing.some(within(from, to));
  const longest = (list: (readonly [number, number])[]) => Math.max(0, ...list.map(([from, to]) => (to - from) / 1000));
  const scriptMs = unionMs(spans);
  const browserMain = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrBrowserMain').map((e) => `${e.pid}:${e.tid}`));
  const browserTasks = events
    .filter((e) => e.ph === 'X' && e.dur !== undefined && browserMain.has(`${e.pid}:${e.tid}`) && (e.cat ?? '').split(',').includes('toplevel'))
    .map((e) => [e.ts, e.ts + (e.dur ?? 0)] as const)
    .sort((a, b) => a[0] - b[0]);
  return { browserBusyMs: unionMs(browserTasks), browserLongestTaskMs: longest(browserTasks), scriptMs, repliesMs: unionMs(withReplies) - scriptMs, busyMs: unionMs([...tasks].sort((a, b) => a[0] - b[0])), longestTaskMs: longest(tasks), longestScriptTaskMs: longest(tasks.filter(runsScript)), pid: typeof target === 'string' ? rendererPid(onMain, target) : target.pid };
}

/** The time sorted spans cover, overlaps counted once (ms). */
function unionMs(spans: readonly (readonly [number, number])[]): number {
  let total = 0;
  let end = -Infinity;
  for (const [from, to] of spans) {
    if (from >= end) total += to - from;
    else if (to > end) total += to - end;
    end = Math.max(end, to);
  }
  return total / 1000;
}

/** The renderer that parsed the page (a new tab may start in another one, before its navigation). */
function rendererPid(onMain: readonly TraceEvent[], urlPart: string): number {
  const parsed = onMain.find((e) => e.name === 'ParseHTML' && (e.args?.beginData?.url ?? '').includes(urlPart));
  return (parsed ?? onMain[0])?.pid ?? -1;
}
