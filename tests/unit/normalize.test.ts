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
});
