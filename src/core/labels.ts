import type { EntityKind } from './dictionary.ts';
/** How articles are described to a reader, the same on cards, in the popup and on the coverage page. */

/** A language code as a reader reads it (the code itself when unknown). */
export function languageName(code: string | null | undefined): string | null {
  if (!code) return null;
  const names: Record<string, string> = { en: 'English', fr: 'French', de: 'German', es: 'Spanish', ar: 'Arabic', fa: 'Persian', zh: 'Chinese', ru: 'Russian' };
  return names[code.toLowerCase().split('-')[0]] ?? code;
}

/** "Outlet · date · language", leaving out what is not known (an unknown date is said). */
export function articleLine(a: { outlet?: string | null; byline?: string | null; published?: string | null; lang?: string | null }): string {
  return [a.outlet, a.byline, a.published ?? 'date unknown', languageName(a.lang)].filter(Boolean).join(' · ');
}

/** What each kind of entity is called, one and many. */
export const KIND_LABEL: Record<EntityKind, string> = {
  official: 'Official', person: 'Person', agreement: 'Agreement', organisation: 'Organisation', event: 'Event', place: 'Place', topic: 'Topic',
};
export const KIND_PLURAL: Record<EntityKind, string> = {
  official: 'Officials', person: 'People', agreement: 'Agreements', organisation: 'Organisations', event: 'Events', place: 'Places', topic: 'Topics',
};
