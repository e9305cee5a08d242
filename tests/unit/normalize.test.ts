import { describe, expect, it } from 'vitest';
import { FOLDED, FOLD_FLAGS, generalFold, normalize, normalizeText } from '../../src/core/normalize.ts';

describe('normalize', () => {
  it('folds accents and case', () => {
    expect(normalize('Pékin')).toBe(normalize('Pekin'));
    expect(normalize('République Islamique')).toBe('republique islamique');
    expect(normalize('ÉTATS-UNIS')).toBe('etats-unis');
  });

  it('treats typographic variants as the same', () => {
    expect(normalize('Iran’s')).toBe("iran's");
    expect(normalize('Iran–China')).toBe(normalize('Iran-China'));
    expect(normalize('Iran—China')).toBe('iran-china');
    expect(normalize('Sattar\u00a0Hashemi')).toBe('sattar hashemi');
    expect(normalize('Sat\u00adtar  \n\t Hashemi')).toBe('sattar hashemi');
    expect(normalize('Li\u200bLecheng')).toBe('lilecheng');
    expect(normalize('“AI”')).toBe('"ai"');
  });

  it('folds decomposed accents too', () => {
    expect(normalize('Pe\u0301kin')).toBe('pekin');
  });

  it('maps every normalised unit back to its source', () => {
    const src = '  Pé\u00adkin  est là ';
    const n = normalizeText(src);
    expect(n.text).toBe('pekin est la');
    for (let i = 0; i < n.text.length; i++) {
      expect(normalize(src[n.sourceIndex[i]])).toBe(n.text[i] === ' ' ? '' : n.text[i]);
    }
    expect(n.upper[0]).toBe(true);
    expect(n.upper[1]).toBe(false);
  });
  it('folds ASCII by its fast path exactly as the general path does', () => {
    for (let c = 0; c < 128; c++) expect({ c, out: FOLDED[c], flags: FOLD_FLAGS[c] }).toEqual({ c, ...generalFold(c) });
  });
  it('folds to a space exactly the units JavaScript counts as white space or line ends, and the next-line control', () => {
    const wrong: string[] = [];
    for (let c = 0; c < 65536; c++) {
      const { out } = generalFold(c);
      if (out === 0xffff) continue;
      if ((out === 0x20) !== (/\s/u.test(String.fromCharCode(c)) || c === 0x85)) wrong.push(`U+${c.toString(16)}`);
    }
    expect(wrong).toEqual([]);
  });

  it('gives every UTF-16 unit the word and case flags Unicode gives it, the shortcuts for Latin and Han included', () => {
    // The rules by Unicode's own properties, with none of the normaliser's shortcuts.
    const word = /[\p{L}\p{N}]/u;
    const cjk = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;
    const wrong: string[] = [];
    for (let c = 0; c < 65536; c++) {
      const { out, flags } = generalFold(c);
      if (out === 0xffff || out === 0x20 || (c >= 0xd800 && c <= 0xdfff)) continue;
      const ch = String.fromCharCode(c);
      const special = [0x27, 0x2d, 0x22].includes(out) && out !== c;
      const folded = special ? out : (() => {
        const base = ch.normalize('NFD').charCodeAt(0);
        const lower = String.fromCharCode(base).toLowerCase();
        return lower.length === 1 ? lower.charCodeAt(0) : base;
      })();
      const arabic = (c >= 0x0600 && c <= 0x06ff) && out !== folded;
      if (arabic) continue;
      const isWord = word.test(String.fromCharCode(folded)) && !cjk.test(String.fromCharCode(folded));
      const expected = { out: folded, word: isWord, upper: ch !== ch.toLowerCase() };
      const got = { out, word: (flags & 4) !== 0, upper: (flags & 2) !== 0 };
      if (got.out !== expected.out || got.word !== expected.word || got.upper !== expected.upper) wrong.push(`U+${c.toString(16)}`);
    }
    expect(wrong).toEqual([]);
  });
});
