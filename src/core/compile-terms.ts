/**
 * Turns entities into the compiled dictionary the scanner reads: one term per alias, normalised
 * with the run-time normaliser, flags for case and ambiguity, context links, and the automaton.
 * The build compiles the seed pack with it; the background compiles every enabled pack with it.
 */
import { buildAutomaton, serializeAutomaton } from './automaton.ts';
import { TERM_CAPITALISED, TERM_CASE_SENSITIVE, TERM_FINAL_HEH, TERM_INFLECTS, TERM_NEEDS_CONTEXT, TERM_NEEDS_TOPIC, TERM_PATTERN, TERM_STEM, type AliasPattern, type CompiledDictionary, type EntityKind } from './dictionary.ts';
import { normalize } from './normalize.ts';

/** What compiling needs of an entity, seed or user. */
export interface TermSource {
  id: string;
  kind: EntityKind;
  name: string;
  aliases: readonly { text: string; lang?: string; ambiguous?: boolean; caseSensitive?: boolean; needsTopic?: boolean; pattern?: AliasPattern }[];
  contextFrom?: readonly string[];
}

/** An alias left out of the compiled dictionary, and why. */
export interface SkippedAlias {
  entity: string;
  alias: string;
  reason: 'empty' | 'duplicate' | 'taken';
  /** For `taken`: the entity that keeps the alias. */
  owner?: string;
}

export interface CompiledTerms {
  compiled: CompiledDictionary;
  /** The alias text of each term, for reports. */
  termAlias: string[];
  skipped: SkippedAlias[];
  /** `contextFrom` ids that name no entity of the dictionary (a disabled or removed pack). */
  unknownContext: { entity: string; context: string }[];
}

/** All-capitals aliases of up to five letters are compared with their case (AI, IT, SCO). */
const AUTO_CASE_SENSITIVE = /^[\p{Lu}\d]{1,5}$/u;

/** Languages that write heh where Arabic writes teh marbuta. */
const PERSIAN_OR_URDU = /^(fa|ur|prs)(-|$)/;

/** A name whose last word is Cyrillic: Russian declines it, so case endings may follow. */
const CYRILLIC_LAST_WORD = /[\u0400-\u04ff]{2,}$/u;
/** Final letters that the other cases replace (Китай → Китая, Москва → Москвы, Россия → России). */
const CYRILLIC_CHANGING_FINAL = /[айяьо]$/u;

/**
 * Compiles `entities` in order: where two entities share an alias, the earlier keeps it (the seed
 * pack comes first, then the reader's packs in the order they were added).
 */
export function compileTerms(entities: readonly TermSource[]): CompiledTerms {
  const patterns: string[] = [];
  const termEntity: number[] = [];
  const termFlags: number[] = [];
  const termCase: Record<number, string> = {};
  const termAlias: string[] = [];
  const skipped: SkippedAlias[] = [];
  const byPattern = new Map<string, number>();
  const ids = new Map<string, number>();
  const aliasPatterns: AliasPattern[] = [];
  const termPattern: Record<number, number> = {};
  entities.forEach((e, entityIndex) => {
    if (!ids.has(e.id)) ids.set(e.id, entityIndex);
    // A pattern alias stands for its nouns, each a term that the pattern's check confirms.
    const expanded = e.aliases.flatMap((alias): { alias: TermSource['aliases'][number]; patternIndex: number }[] => {
      if (!alias.pattern) return [{ alias, patternIndex: -1 }];
      const fold = (words: string[]) => words.map((w) => normalize(w));
      aliasPatterns.push({ ...alias.pattern, years: fold(alias.pattern.years), before: fold(alias.pattern.before), after: fold(alias.pattern.after) });
      const index = aliasPatterns.length - 1;
      return alias.pattern.nouns.map((noun) => ({ alias: { text: noun, needsTopic: alias.needsTopic }, patternIndex: index }));
    });
    for (const { alias, patternIndex } of expanded) {
      const pattern = normalize(alias.text);
      if (!pattern) {
        skipped.push({ entity: e.id, alias: alias.text, reason: 'empty' });
        continue;
      }
      const other = byPattern.get(pattern);
      if (other !== undefined) {
        const owner = entities[termEntity[other]].id;
        skipped.push(owner === e.id ? { entity: e.id, alias: alias.text, reason: 'duplicate' } : { entity: e.id, alias: alias.text, reason: 'taken', owner });
        continue;
      }
      byPattern.set(pattern, patterns.length);
      let flags = 0;
      if (alias.caseSensitive ?? AUTO_CASE_SENSITIVE.test(alias.text)) {
        flags |= TERM_CASE_SENSITIVE;
        termCase[patterns.length] = alias.text;
      }
      else if (/^\p{Lu}/u.test(alias.text)) flags |= TERM_CAPITALISED;
      if (alias.ambiguous) flags |= TERM_NEEDS_CONTEXT;
      if (alias.needsTopic) flags |= TERM_NEEDS_TOPIC;
      if (PERSIAN_OR_URDU.test(alias.lang ?? '') && /[\u0647\u06c1\u06d5]$/u.test(alias.text)) flags |= TERM_FINAL_HEH;
      if (patternIndex >= 0) {
        flags = (flags & ~TERM_CAPITALISED) | TERM_PATTERN;
        termPattern[patterns.length] = patternIndex;
      }
      patterns.push(pattern);
      termEntity.push(entityIndex);
      termAlias.push(alias.text);
      const inflects = !(flags & (TERM_CASE_SENSITIVE | TERM_PATTERN)) && CYRILLIC_LAST_WORD.test(pattern);
      termFlags.push(inflects ? flags | TERM_INFLECTS : flags);
      // The stem stands for the declined forms; it needs three letters of its own and yields to
      // any alias already written that way.
      const stem = pattern.slice(0, -1);
      if (inflects && CYRILLIC_CHANGING_FINAL.test(alias.text.toLowerCase()) && /[\u0400-\u04ff]{3}$/u.test(stem) && !byPattern.has(stem)) {
        byPattern.set(stem, patterns.length);
        patterns.push(stem);
        termEntity.push(entityIndex);
        termFlags.push((flags & ~TERM_INFLECTS) | TERM_STEM);
        termAlias.push(alias.text);
      }
    }
  });
  const unknownContext: CompiledTerms['unknownContext'] = [];
  const entityContext = entities.map((e) =>
    (e.contextFrom ?? []).flatMap((id) => {
      const i = ids.get(id);
      if (i === undefined) unknownContext.push({ entity: e.id, context: id });
      return i === undefined ? [] : [i];
    }),
  );
  const automaton = buildAutomaton(patterns);
  const place = termsInStateOrder(automaton.termAt, patterns.length);
  const inOrder = <T>(list: readonly T[]): T[] => {
    const out = new Array<T>(list.length);
    list.forEach((v, t) => (out[place[t]] = v));
    return out;
  };
  const renumbered = (byTerm: Record<number, number | string>) => Object.fromEntries(Object.entries(byTerm).map(([t, v]) => [place[Number(t)], v]));
  return {
    compiled: {
      format: 2,
      entities: entities.map((e) => ({ id: e.id, kind: e.kind, name: e.name })),
      termEntity: inOrder(termEntity),
      termLength: inOrder(patterns.map((p) => p.length)),
      termFlags: inOrder(termFlags),
      termCase: renumbered(termCase) as Record<number, string>,
      entityContext,
      ...(aliasPatterns.length ? { patterns: aliasPatterns, termPattern: renumbered(termPattern) as Record<number, number> } : {}),
      automaton: serializeAutomaton(automaton),
    },
    termAlias: inOrder(termAlias),
    skipped,
    unknownContext,
  };
}

/**
 * Numbers the terms in the order of the states they end at, rewriting `termAt` in place; returns
 * each term's new number by its old. The stored automaton then need not say which term ends
 * where (see SerializedAutomaton `termIds`): with 100,000 reader entities that list was 1.2 of the
 * 7.3 million characters every page read.
 */
function termsInStateOrder(termAt: Int32Array, terms: number): Int32Array {
  const place = new Int32Array(terms);
  for (let q = 0, rank = 0; q < termAt.length; q++) {
    if (termAt[q] < 0) continue;
    place[termAt[q]] = rank;
    termAt[q] = rank++;
  }
  return place;
}
