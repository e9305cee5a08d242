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
import type { EntityKind } from './dictionary.ts';
import { normalize } from './normalize.ts';
import { splitSentences } from './sentences.ts';

export interface Candidate {
  /** Normalised form: what proposals are grouped, dismissed and checked against the dictionary by. */
  key: string;
  text: string;
  kind: EntityKind;
  sentence: string;
}

export interface ProposalEvidence {
  article: string;
  title: string | null;
  outlet: string | null;
  url: string | null;
  published: string | null;
  lang: string | null;
  sentence: string;
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
  const push = (words: string[], kind: EntityKind, sentence: string) => {
    const t = words.join(' ').replace(/[.'’-]+$/u, '');
    const key = normalize(t);
    if (key.length < 2 || seen.has(key)) return;
    seen.add(key);
    out.push({ key, text: t, kind, sentence });
  };
  for (const raw of splitSentences(text)) {
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

/** Merges per-article candidates into proposals, best first: names in more articles first. */
export function rankProposals(articles: readonly StoredArticleFacts[], opts: RankOptions): Proposal[] {
  const groups = new Map<string, { forms: Map<string, number>; kinds: Map<EntityKind, number>; articles: number; evidence: ProposalEvidence[] }>();
  const perProposal = opts.evidencePerProposal ?? 3;
  for (const a of articles) {
    for (const c of a.candidates) {
      let g = groups.get(c.key);
      if (!g) {
        g = { forms: new Map(), kinds: new Map(), articles: 0, evidence: [] };
        groups.set(c.key, g);
      }
      g.articles++;
      g.forms.set(c.text, (g.forms.get(c.text) ?? 0) + 1);
      g.kinds.set(c.kind, (g.kinds.get(c.kind) ?? 0) + 1);
      if (g.evidence.length < perProposal) {
        g.evidence.push({ article: a.id, title: a.title, outlet: a.outlet, url: a.url, published: a.published, lang: a.lang, sentence: c.sentence });
      }
    }
  }
  const out: Proposal[] = [];
  for (const [key, g] of groups) {
    // Lower-case terms need three articles; names two.
    // A title once ("Minister X") makes an official, whatever the other articles call the person.
    const kind = g.kinds.has('official') ? 'official' : [...g.kinds].sort((x, y) => y[1] - x[1])[0][0];
    if (g.articles < (kind === 'topic' ? 3 : 2)) continue;
    if (opts.dismissed.has(key) || opts.known(key)) continue;
    const forms = [...g.forms].sort((x, y) => y[1] - x[1]).map(([f]) => f);
    out.push({ key, text: forms[0], kind, articles: g.articles, mentions: g.articles, forms: forms.slice(1, 6), evidence: g.evidence });
  }
  out.sort((x, y) => y.articles - x.articles || (x.kind === 'topic' ? 1 : 0) - (y.kind === 'topic' ? 1 : 0) || x.key.localeCompare(y.key));
  return out.slice(0, opts.limit ?? 200);
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
