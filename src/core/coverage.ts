/**
 * Coverage: stored articles, how they relate to the page being read, and which of them are the
 * same story stored twice. Pure logic; the database lives in the background.
 */

/** One entity as an article mentions it. */
export interface ArticleMention {
  entity: string;
  count: number;
  /** The first sentence that mentions it, for the timeline and snippets. */
  sentence: string;
}

/** A stored article. Its id is chosen by the writer from its content, so a retried write cannot duplicate. */
export interface ArticleRecord {
  id: string;
  url: string | null;
  title: string | null;
  outlet: string | null;
  byline: string | null;
  /** ISO date (YYYY-MM-DD) or null when unknown. */
  published: string | null;
  lang: string | null;
  text: string;
  mentions: ArticleMention[];
  /** Entity ids, for the multi-entry index. */
  entityIds: string[];
  savedAt: number;
  origin: 'seed' | 'saved';
  /** MinHash signature of the text's word shingles, for near-duplicate detection. */
  signature: number[];
}

/** A related article as the popup lists it. */
export interface RelatedItem {
  article: Omit<ArticleRecord, 'text' | 'signature'>;
  score: number;
  shared: string[];
  snippet: string;
  /** Ids of other stored copies of the same story, folded into this item. */
  duplicates: string[];
}

/** Tracking parameters removed from URLs before they are compared or stored. */
const TRACKING = /^(utm_|fbclid$|gclid$|mc_[ce]id$|ocid$|cmpid$|ref$|ref_src$|_ga$|igshid$|smid$)/i;

/** The URL a page is known by: no fragment, no tracking parameters, no trailing slash. */
export function canonicalUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return url.trim();
  }
  u.hash = '';
  // The query is filtered as text: Firefox content scripts cannot iterate a URLSearchParams.
  const kept = u.search.slice(1).split('&').filter((pair) => {
    if (!pair) return false;
    let key = pair.split('=')[0].replace(/\+/g, ' ');
    try {
      key = decodeURIComponent(key);
    } catch {
      // A malformed escape: compared as written.
    }
    return !TRACKING.test(key);
  });
  u.search = kept.length ? `?${kept.join('&')}` : '';
  u.hostname = u.hostname.toLowerCase().replace(/^www\./, '');
  if (u.pathname.length > 1 && u.pathname.endsWith('/')) u.pathname = u.pathname.slice(0, -1);
  return u.toString();
}

/** FNV-1a over a string, 32-bit: stable ids and shingle hashes, same in every context. */
export function hash32(s: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * The id a seed article is stored under: its file, so two seeds that are one story (same URL)
 * both stay stored, each with its own text, and are folded together only when shown.
 */
export function seedArticleId(file: string): string {
  return `seed:${file}`;
}

/** The id a saved article is stored under: from its canonical URL, or from its text when it has none. */
export function articleId(url: string | null, text: string): string {
  if (url) return `u${hash32(canonicalUrl(url)).toString(36)}${hash32(canonicalUrl(url), 7).toString(36)}`;
  const words = text.toLowerCase().replace(/\s+/g, ' ').trim();
  return `t${hash32(words).toString(36)}${hash32(words, 7).toString(36)}`;
}

const SIGNATURE_SIZE = 64;
const SHINGLE = 4;

/** MinHash signature of a text's word 4-shingles (case and punctuation ignored). */
export function textSignature(text: string): number[] {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const sig = new Array<number>(SIGNATURE_SIZE).fill(0xffffffff);
  for (let i = 0; i + SHINGLE <= Math.max(words.length, SHINGLE); i++) {
    const h = hash32(words.slice(i, i + SHINGLE).join(' '));
    for (let k = 0; k < SIGNATURE_SIZE; k++) {
      // Cheap independent permutations of the shingle hash.
      const v = (Math.imul(h ^ (0x9e3779b9 * (k + 1)), 0x85ebca6b) ^ (h >>> 13)) >>> 0;
      if (v < sig[k]) sig[k] = v;
    }
  }
  return sig;
}

/** Estimated Jaccard similarity of two texts' shingle sets. */
export function signatureSimilarity(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length || a.length === 0) return 0;
  let same = 0;
  for (let k = 0; k < a.length; k++) if (a[k] === b[k]) same++;
  return same / a.length;
}

/** Above this estimated similarity two texts are one story stored twice. */
export const DUPLICATE_SIMILARITY = 0.3;

/** Whether two stored articles are the same story (same canonical URL, or near-identical text). */
export function isDuplicate(a: Pick<ArticleRecord, 'url' | 'signature'>, b: Pick<ArticleRecord, 'url' | 'signature'>): boolean {
  if (a.url && b.url && canonicalUrl(a.url) === canonicalUrl(b.url)) return true;
  return signatureSimilarity(a.signature, b.signature) >= DUPLICATE_SIMILARITY;
}

/**
 * Weight of sharing an entity: rare entities say more than common ones (inverse document
 * frequency over the stored articles).
 */
export function entityWeight(articlesMentioning: number, totalArticles: number): number {
  return Math.log(1 + totalArticles / Math.max(1, articlesMentioning));
}

/**
 * Ranks candidate articles against the page's entities, best first, folding duplicates into the
 * best-ranked copy. `df` gives how many stored articles mention each entity.
 */
export function rankRelated(
  pageEntities: ReadonlySet<string>,
  candidates: readonly ArticleRecord[],
  df: ReadonlyMap<string, number>,
  total: number,
  exclude: { id?: string; url?: string | null } = {},
): RelatedItem[] {
  const excludeUrl = exclude.url ? canonicalUrl(exclude.url) : null;
  const scored = candidates
    .filter((a) => a.id !== exclude.id && !(excludeUrl && a.url && canonicalUrl(a.url) === excludeUrl))
    .map((a) => {
      const shared = a.entityIds.filter((e) => pageEntities.has(e));
      const weights = shared.map((e) => entityWeight(df.get(e) ?? 1, total));
      const score = weights.reduce((x, y) => x + y, 0);
      // Shared entities, rarest first: the list and the snippet lead with what says most.
      const order = shared.map((e, i) => [e, weights[i]] as const).sort((x, y) => y[1] - x[1]).map(([e]) => e);
      return { a, score, shared: order };
    })
    .filter((x) => x.shared.length > 0)
    .sort((x, y) => y.score - x.score || (y.a.published ?? '').localeCompare(x.a.published ?? '') || x.a.id.localeCompare(y.a.id));
  const items: (RelatedItem & { rec: ArticleRecord })[] = [];
  for (const { a, score, shared } of scored) {
    const copyOf = items.find((it) => isDuplicate(it.rec, a));
    if (copyOf) {
      copyOf.duplicates.push(a.id);
      continue;
    }
    const mention = a.mentions.find((m) => m.entity === shared[0]);
    const { text: _text, signature: _sig, ...article } = a;
    items.push({ article, score, shared, snippet: mention?.sentence ?? '', duplicates: [], rec: a });
  }
  return items.map(({ rec: _rec, ...item }) => item);
}
