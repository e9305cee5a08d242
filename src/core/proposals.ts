/**
 * Proposals for the dictionary from the reader's stored coverage: names the dictionary lacks, found
 * by the rules the build applies to the seeds ("capitalised words no entity covers"), ranked by
 * how many stored articles name them, each with the sentences that name it. Pure.
 *
 * Per article, `articleCandidates` finds: runs of two or more capitalised words (with "of", "de",
 * "al-" and the like inside: "Ministry of Foreign Affairs"), acronyms, a title followed by a name
 * ("Minister Sattar Hashemi" proposes "Sattar Hashemi" as an official), and recurring lower-case
 * terms of two or three words. `rankProposals` merges them across articles.
 */
import { ENTITY_KINDS, type EntityKind } from './dictionary.ts';
import { normalize } from './normalize.ts';
import { splitSentences } from './sentences.ts';

export interface Candidate {
  /** Normalised form: what proposals are grouped, dismissed and checked against the dictionary by. */
  key: string;
  text: string;
  kind: EntityKind;
  /** Index of the sentence (in splitSentences order) that names it. */
  at: number;
  /** The sentence itself, when at hand (not kept in storage: read again for the proposals shown). */
  sentence?: string;
}

export interface ProposalEvidence {
  article: string;
  title: string | null;
  outlet: string | null;
  url: string | null;
  published: string | null;
  lang: string | null;
  /** Empty until filled from the article's text (see `sentenceAt`). */
  sentence: string;
  at: number;
}

export interface Proposal {
  key: string;
  /** The most frequent written form. */
  text: string;
  kind: EntityKind;
  /** Stored articles that name it. */
  articles: number;
  mentions: number;
  /** Other written forms seen, as alias suggestions. */
  forms: string[];
  evidence: ProposalEvidence[];
}

const TITLES = new Set(
  ('minister president ambassador senator governor general admiral colonel spokesman spokeswoman spokesperson ' +
    'chairman chairwoman director secretary deputy vice premier chancellor mayor ayatollah sheikh prince king queen judge ' +
    'envoy commander ceo ministre président presidente ambassadeur porte-parole directeur secrétaire général').split(' '),
);
/** Words that may stand inside a capitalised name. */
const CONNECTORS = new Set(['of', 'for', 'and', 'the', 'on', 'de', 'du', 'des', 'la', 'le', "l'", "d'", 'al', 'el', 'bin', 'ibn', 'van', 'von', 'der', 'y', 'et', 'pour']);
/** Capitalised words that start sentences or dates, never names on their own. */
const NOT_NAME_START = new Set(
  ('the a an this that these those it he she they we in on at as but and or if when while after before since during for from by with ' +
    'le la les un une des ce cette il elle ils elles en dans sur pour par avec selon mais et ou lors après avant ' +
    'monday tuesday wednesday thursday friday saturday sunday january february march april may june july august september october november december ' +
    'lundi mardi mercredi jeudi vendredi samedi dimanche janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre ' +
    'mr mrs ms dr photo image video read more').split(' '),
);
const STOP = new Set(
  ('the a an and or but of in on at to for from by with about as into over under after before than then this that these those it its ' +
    'is are was were be been has have had do does did will would can could may might must not no also said says say told ' +
    'he she they we you i his her their our your who which what when where how all any some more most other such new one two ' +
    'le la les un une des du de et ou en dans sur pour par avec ce cette ces il elle ils qui que est sont a au aux plus ne pas se sa son ses').split(' '),
);

const WORD = /[\p{L}\p{N}][\p{L}\p{N}'’\-.]*/gu;
/** Names of bodies rather than people. */
const ORGANISATION_WORDS = /\b(ministry|agency|council|organi[sz]ation|company|corporation|bank|university|committee|party|embassy|office|group|association|corps|guard|army|forces?|police|court|parliament|assembly|institute|authority|fund|holdings?|ltd|inc)\b/i;
const isCapitalised = (w: string) => /^\p{Lu}/u.test(w);
const isAcronym = (w: string) => /^\p{Lu}[\p{Lu}\d]{1,5}$/u.test(w) && /\p{Lu}.*\p{Lu}/u.test(w);

/** The candidates one article's text offers, at most one per key and sentence. */
export function articleCandidates(text: string): Candidate[] {
  const out: Candidate[] = [];
  const seen = new Set<string>();
  let at = -1;
  const push = (words: string[], kind: EntityKind, sentence: string) => {
    const t = words.join(' ').replace(/[.'’-]+$/u, '');
    const key = normalize(t);
    if (key.length < 2 || seen.has(key)) return;
    seen.add(key);
    out.push({ key, text: t, kind, at, sentence });
  };
  for (const raw of splitSentences(text)) {
    at++;
    const sentence = raw.trim();
    if (!sentence || sentence.length > 1500) continue;
    const found = [...sentence.matchAll(WORD)];
    const words = found.map((m) => m[0]);
    // Words of one name stand next to each other with only spaces between ("In Beijing, Sattar" is two).
    const joined = (j: number) => /^\s+$/.test(sentence.slice(found[j - 1].index + found[j - 1][0].length, found[j].index));
    let i = 0;
    while (i < words.length) {
      const w = words[i].replace(/[.'’]+$/u, '');
      if (isAcronym(w)) {
        push([w], 'organisation', sentence);
        i++;
        continue;
      }
      if (!isCapitalised(w)) {
        i++;
        continue;
      }
      // A run of capitalised words, with connectors inside.
      let j = i;
      const run: string[] = [];
      while (j < words.length && (j === i || joined(j))) {
        const x = words[j].replace(/[.,;:]+$/u, '');
        if (isCapitalised(x) && !isAcronym(x)) run.push(x);
        else if (run.length && CONNECTORS.has(x.toLowerCase()) && j + 1 < words.length && isCapitalised(words[j + 1]) && joined(j + 1)) run.push(x);
        else break;
        j++;
      }
      while (run.length && NOT_NAME_START.has(normalize(run[0]))) run.shift();
      const title = run.length > 2 && TITLES.has(normalize(run[0])) ? 1 : run.length > 3 && TITLES.has(normalize(run[1])) ? 2 : 0;
      if (title) push(run.slice(title), 'official', sentence);
      else if (run.length >= 2) push(run, ORGANISATION_WORDS.test(run.join(' ')) ? 'organisation' : 'person', sentence);
      i = Math.max(j, i + 1);
    }
    // Recurring lower-case terms: two or three words, none a stop word at either end.
    for (let k = 0; k + 1 < words.length; k++) {
      // The first word of a sentence is capitalised for the sentence, not for a name.
      const a = k === 0 ? words[k].toLowerCase() : words[k];
      const b = words[k + 1];
      if (isCapitalised(a) || isCapitalised(b) || a.length < 4 || b.length < 4 || STOP.has(a) || STOP.has(b)) continue;
      push([a, b], 'topic', sentence);
    }
  }
  return out;
}

export interface StoredArticleFacts {
  id: string;
  title: string | null;
  outlet: string | null;
  url: string | null;
  published: string | null;
  lang: string | null;
  candidates: readonly Candidate[];
}

export interface RankOptions {
  /** Is this form already in the dictionary (as a whole, or a name inside it)? */
  known: (key: string) => boolean;
  dismissed: ReadonlySet<string>;
  limit?: number;
  evidencePerProposal?: number;
}

/** One candidate key across articles: kept small, as a page of 10,000 articles holds hundreds of thousands. */
interface Group {
  articles: number;
  kind: EntityKind;
  official: boolean;
  text: string;
  /** Other written forms and how often, made only when a second form is seen. */
  forms: Map<string, number> | null;
  /** Up to `evidencePerProposal` pairs (article index, sentence index). */
  evidence: number[];
}

class Ranking {
  readonly groups = new Map<string, Group>();
  constructor(private readonly perProposal: number) {}

  add(article: number, key: string, text: string, kind: EntityKind, at: number): void {
    let g = this.groups.get(key);
    if (!g) {
      g = { articles: 0, kind, official: false, text, forms: null, evidence: [] };
      this.groups.set(key, g);
    }
    g.articles++;
    if (kind === 'official') g.official = true;
    if (text !== g.text) {
      g.forms ??= new Map([[g.text, g.articles - 1]]);
      g.forms.set(text, (g.forms.get(text) ?? 0) + 1);
    } else if (g.forms) g.forms.set(text, (g.forms.get(text) ?? 0) + 1);
    if (g.evidence.length < this.perProposal * 2) g.evidence.push(article, at);
  }

  finish(articles: readonly Omit<StoredArticleFacts, 'candidates'>[], opts: RankOptions): Proposal[] {
    const out: Proposal[] = [];
    for (const [key, g] of this.groups) {
      // A title once ("Minister X") makes an official, whatever the other articles call the person.
      const kind = g.official ? 'official' : g.kind;
      // Lower-case terms need three articles; names two.
      if (g.articles < (kind === 'topic' ? 3 : 2)) continue;
      if (opts.dismissed.has(key) || opts.known(key)) continue;
      const forms = g.forms ? [...g.forms].sort((x, y) => y[1] - x[1]).map(([f]) => f) : [g.text];
      const evidence: ProposalEvidence[] = [];
      for (let i = 0; i < g.evidence.length; i += 2) {
        const a = articles[g.evidence[i]];
        evidence.push({ article: a.id, title: a.title, outlet: a.outlet, url: a.url, published: a.published, lang: a.lang, sentence: '', at: g.evidence[i + 1] });
      }
      out.push({ key, text: forms[0], kind, articles: g.articles, mentions: g.articles, forms: forms.slice(1, 6), evidence });
    }
    out.sort((x, y) => y.articles - x.articles || (x.kind === 'topic' ? 1 : 0) - (y.kind === 'topic' ? 1 : 0) || x.key.localeCompare(y.key));
    return out.slice(0, opts.limit ?? 200);
  }
}

/** Merges per-article candidates into proposals, best first: names in more articles first. */
export function rankProposals(articles: readonly StoredArticleFacts[], opts: RankOptions): Proposal[] {
  const ranking = new Ranking(opts.evidencePerProposal ?? 3);
  articles.forEach((a, i) => {
    for (const c of a.candidates) ranking.add(i, c.key, c.text, c.kind, c.at);
  });
  const list = ranking.finish(articles, opts);
  // Sentences at hand (tests, a single article) are filled in; stored ones are read by the caller.
  const byId = new Map(articles.map((a) => [a.id, a]));
  for (const p of list) {
    for (const ev of p.evidence) ev.sentence = byId.get(ev.article)?.candidates.find((c) => c.at === ev.at && c.sentence)?.sentence ?? '';
  }
  return list;
}

/** The same ranking straight from stored rows (`encodeCandidates` strings), without decoding them into objects. */
export function rankStoredProposals(rows: readonly (Omit<StoredArticleFacts, 'candidates'> & { list: string })[], opts: RankOptions): Proposal[] {
  const ranking = new Ranking(opts.evidencePerProposal ?? 3);
  rows.forEach((r, i) => {
    const list = r.list;
    let pos = 0;
    while (pos < list.length) {
      let end = list.indexOf('\n', pos);
      if (end === -1) end = list.length;
      const t1 = list.indexOf('\t', pos);
      const t2 = list.indexOf('\t', t1 + 1);
      const t3 = list.indexOf('\t', t2 + 1);
      const key = list.slice(pos, t1);
      const text = t2 === t1 + 1 ? key : list.slice(t1 + 1, t2);
      ranking.add(i, key, text, ENTITY_KINDS[list.charCodeAt(t2 + 1) - 48] ?? 'topic', Number(list.slice(t3 + 1, end)));
      pos = end + 1;
    }
  });
  return ranking.finish(rows, opts);
}

/**
 * A `known` test for `rankProposals` from the dictionary's normalised aliases: a candidate is known
 * when it is an alias, or when a run of its words is one ("Chinese Ambassador Cong Peiwu" holds
 * "Cong Peiwu"; a single known word inside does not count).
 */
export function knownByAliases(aliasKeys: ReadonlySet<string>): (key: string) => boolean {
  return (key) => {
    if (aliasKeys.has(key)) return true;
    const words = key.split(' ');
    if (words.length > 8) return false;
    for (let i = 0; i < words.length; i++) {
      for (let j = i + 1; j <= words.length; j++) {
        // Runs of two words or more: "Bank of China" is not known because "China" is.
        if (j - i === words.length || j - i < 2) continue;
        if (aliasKeys.has(words.slice(i, j).join(' '))) return true;
      }
    }
    return false;
  };
}

/** The sentence of `text` at index `at` (as `articleCandidates` counted them). */
export function sentenceAt(text: string, at: number): string {
  return (splitSentences(text)[at] ?? '').trim();
}

/**
 * Candidates as stored beside each article: one line per candidate (key, text, kind, sentence
 * index), a compact string that the proposals read back for 10,000 articles in one request.
 */
export function encodeCandidates(list: readonly Candidate[]): string {
  // The written form is left out where it is the key itself (most lower-case terms).
  return list.map((c) => `${c.key}\t${c.text === c.key ? '' : c.text.replace(/[\t\n]/g, ' ')}\t${ENTITY_KINDS.indexOf(c.kind)}\t${c.at}`).join('\n');
}

export function decodeCandidates(encoded: string): Candidate[] {
  if (!encoded) return [];
  return encoded.split('\n').map((line) => {
    const [key, text, kind, at] = line.split('\t');
    return { key, text: text || key, kind: ENTITY_KINDS[Number(kind)] ?? 'topic', at: Number(at) };
  });
}
