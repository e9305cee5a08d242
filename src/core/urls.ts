/**
 * The one rule for addresses: what may be stored or opened (http and https only), and when one
 * page may speak for another address (the same origin: scheme, host and port). Every stored
 * highlight, article and entity source, every tab opened from stored data, goes through here.
 */

/** Longest address accepted anywhere. */
export const MAX_URL_LENGTH = 4096;

/** The address as a string when it is a valid http(s) URL (normalised by the URL parser), else null. */
export function httpUrl(v: unknown): string | null {
  if (typeof v !== 'string' || v.length > MAX_URL_LENGTH) return null;
  try {
    const u = new URL(v);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

/** The origin (scheme, host, port) of an http(s) address, else null. */
export function originOf(url: string): string | null {
  const checked = httpUrl(url);
  return checked === null ? null : new URL(checked).origin;
}

/** Whether two addresses are both http(s) and share scheme, host and port. */
export function sameOrigin(a: string, b: string): boolean {
  const oa = originOf(a);
  return oa !== null && oa === originOf(b);
}

/** The coverage page of an entity, relative to the extension's root; the name rides along so the page need not ask the background for it. */
export function coverageUrl(entityId: string, name: string): string {
  return `src/coverage/index.html?entity=${encodeURIComponent(entityId)}&name=${encodeURIComponent(name)}`;
}
