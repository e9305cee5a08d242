/**
 * Extracts the page's main article with Mozilla's Readability, on a clone of the document so the
 * page itself is untouched. Built as its own script (extract.js), which the background injects
 * into a tab only when the reader saves an article: pages never load it otherwise.
 */
import { Readability } from '@mozilla/readability';
import type { ExtractedArticle } from '../messages.ts';
import { EXTRACT_GLOBAL } from './script-files.ts';

function meta(doc: Document, ...names: string[]): string | null {
  for (const n of names) {
    const el = doc.querySelector(`meta[property="${n}"], meta[name="${n}"], meta[itemprop="${n}"]`);
    const v = el?.getAttribute('content')?.trim();
    if (v) return v;
  }
  return null;
}

/** The date part (YYYY-MM-DD) of a published time, when it has one. */
function isoDate(value: string | null | undefined): string | null {
  const m = value?.match(/\d{4}-\d{2}-\d{2}/);
  return m ? m[0] : null;
}

export function extractArticle(doc: Document): ExtractedArticle | { error: string } {
  const parsed = new Readability(doc.cloneNode(true) as Document).parse();
  const text = parsed?.textContent?.replace(/[ \t]+\n/g, '\n').replace(/\n{3,}/g, '\n\n').trim();
  if (!parsed || !text) return { error: 'No article could be found on this page.' };
  const canonical = doc.querySelector('link[rel="canonical"]')?.getAttribute('href');
  let url = doc.location.href;
  try {
    if (canonical) url = new URL(canonical, doc.baseURI).href;
  } catch {
    // A malformed canonical link: keep the page's own address.
  }
  return {
    url,
    title: parsed.title || doc.title || null,
    byline: parsed.byline ?? null,
    outlet: parsed.siteName ?? meta(doc, 'og:site_name') ?? doc.location.hostname,
    published: isoDate(parsed.publishedTime) ?? isoDate(meta(doc, 'article:published_time', 'datePublished', 'date')),
    lang: parsed.lang || doc.documentElement.lang || null,
    text,
  };
}

(globalThis as unknown as Record<string, () => ExtractedArticle | { error: string }>)[EXTRACT_GLOBAL] = () => extractArticle(document);
