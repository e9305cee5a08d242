/**
 * Who is asking: the background's one rule for senders. A message comes from one of the
 * extension's own pages, from the content script of a tab's top frame (which speaks for that page's
 * origin only), or from a content script in a subframe (which may only read the dictionary). Pure,
 * so the rules are tested with made-up senders.
 */
import { PAGE_BOUND, PRIVILEGED, type MessageType } from '../messages.ts';
import { originOf } from '../core/urls.ts';

/** The parts of runtime.MessageSender the rules read. */
export interface SenderFacts {
  id?: string;
  url?: string;
  tab?: { id?: number; url?: string };
  frameId?: number;
}

export type Sender =
  | { kind: 'extension' }
  | { kind: 'page'; url: string; origin: string; tabId: number }
  | { kind: 'frame'; tabId: number; frameId: number };

/** This extension as the rules see it. */
export interface Self {
  id: string;
  /** The extension's own origin (chrome-extension://… or moz-extension://…). */
  origin: string;
}

/** Classifies a sender, or says why its messages are not answered. */
export function classifySender(sender: SenderFacts, self: Self): Sender | string {
  if (sender.id !== self.id) return 'the sender is not this extension';
  const url = sender.url ?? '';
  // An extension page is known by its address (Firefox gives one opened in a tab a sender.tab too).
  if (url.startsWith(`${self.origin}/`)) return { kind: 'extension' };
  const origin = originOf(url);
  if (origin === null) return 'the sender is not an http(s) page';
  if (sender.tab?.id === undefined) return 'the sender is in no tab';
  if (sender.frameId !== 0 && sender.frameId !== undefined) return { kind: 'frame', tabId: sender.tab.id, frameId: sender.frameId };
  return { kind: 'page', url, origin, tabId: sender.tab.id };
}

/** Whether a sender may send a type of request; the reason when not. */
export function refusal(sender: Sender, type: MessageType): string | null {
  if (PRIVILEGED.has(type) && sender.kind !== 'extension') return `${type} is only for the extension's own pages`;
  if (PAGE_BOUND.has(type) && sender.kind !== 'page') return `${type} is only for a page's top frame`;
  if (sender.kind === 'frame' && (type === 'highlights/update' || type === 'highlights/delete')) return `${type} is not for frames`;
  if ((type === 'page-ui/load' || type === 'content/load') && sender.kind === 'extension') return `${type} is only for a page's content script`;
  return null;
}

/** Whether a page sender may read or change what is stored under `url` (same origin only). */
export function speaksFor(sender: Sender, url: string): boolean {
  if (sender.kind === 'extension') return true;
  return sender.kind === 'page' && originOf(url) === sender.origin;
}
