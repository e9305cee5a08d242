/**
 * Every message between the extension's contexts, declared once: the request each type carries
 * and the reply it gets. The background checks each request against this before acting on it.
 */
import type { CompiledDictionary, EntityRecord, SeedArticle } from './core/dictionary.ts';

export interface MessageMap {
  /** Content script → background: the compiled dictionary to scan pages with. */
  'dictionary/get': { request: Record<never, never>; response: CompiledDictionary };
  /** Content script → background: what a hover card shows about one entity, with its seed articles. */
  'entity/get': {
    request: { id: string };
    response: { entity: EntityRecord; articles: SeedArticle[] } | null;
  };
}

export type MessageType = keyof MessageMap;
export type Request<K extends MessageType> = { type: K } & MessageMap[K]['request'];
export type AnyRequest = { [K in MessageType]: Request<K> }[MessageType];

/** Narrows an unknown message to a well-formed request, or returns a reason it is not one. */
export function parseRequest(message: unknown): AnyRequest | string {
  if (typeof message !== 'object' || message === null) return 'message is not an object';
  const m = message as Record<string, unknown>;
  switch (m.type) {
    case 'dictionary/get':
      return { type: 'dictionary/get' };
    case 'entity/get':
      if (typeof m.id !== 'string' || m.id.length > 200) return 'entity/get needs a string id';
      return { type: 'entity/get', id: m.id };
    default:
      return `unknown message type ${JSON.stringify(m.type)?.slice(0, 60) ?? ''}`;
  }
}
