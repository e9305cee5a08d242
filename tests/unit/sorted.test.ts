import { describe, expect, it } from 'vitest';
import { lastIndexAtMost } from '../../src/core/sorted.ts';

/** The same answer by a walk from the front. */
function byWalk(sorted: number[], value: number, last: number): number {
  let found = 0;
  for (let i = 0; i <= last; i++) if (sorted[i] <= value) found = i;
  return found;
}

describe('lastIndexAtMost', () => {
  it('finds the last index at or below a value, repeats and all, within the given end', () => {
    const lists = [[0], [0, 0, 0], [0, 3, 3, 7, 12], [2, 4, 4, 4, 9, 9, 10], [5, 6]];
    for (const sorted of lists) {
      for (let last = 0; last < sorted.length; last++) {
        for (let value = -1; value <= 14; value++) expect([sorted, last, value, lastIndexAtMost(sorted, value, last)]).toEqual([sorted, last, value, byWalk(sorted, value, last)]);
      }
    }
  });

  it('searches from a given first index, which it answers when no value there is low enough', () => {
    const sorted = [0, 3, 3, 7, 12, 20];
    for (let first = 0; first < sorted.length; first++) {
      for (let value = -1; value <= 21; value++) {
        const inside = sorted.slice(first);
        expect([first, value, lastIndexAtMost(sorted, value, sorted.length - 1, first)]).toEqual([first, value, first + byWalk(inside, value, inside.length - 1)]);
      }
    }
  });

  it('searches the whole list by default and takes typed arrays', () => {
    const starts = Int32Array.from([0, 10, 20, 30]);
    expect([lastIndexAtMost(starts, 9), lastIndexAtMost(starts, 10), lastIndexAtMost(starts, 99)]).toEqual([0, 1, 3]);
  });
});
