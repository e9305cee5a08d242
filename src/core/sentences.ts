/**
 * Splits text into sentences, keeping every character (the pieces join back into the input), so
 * offsets into the joined pieces are offsets into the text. Used to quote the sentence an entity
 * is evidenced in.
 */
const SENTENCE_END = /[.!?…]+["”’»)\]]*(?:\s+|$)|\n+/gu;

export function splitSentences(text: string): string[] {
  const out: string[] = [];
  let last = 0;
  for (const m of text.matchAll(SENTENCE_END)) {
    const end = m.index + m[0].length;
    const next = text.slice(end, end + 2);
    // "U.S. officials", "Ambassador Cong... also": only break before a capital, digit, quote or line end.
    if (!m[0].includes('\n') && end < text.length && !/^["“‘«(]?[\p{Lu}\d]/u.test(next)) continue;
    out.push(text.slice(last, end));
    last = end;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}
