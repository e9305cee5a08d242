/**
 * Binary search over ascending numbers: the last index in [first, last] whose value is at most
 * `value`, or `first` when none is. Lines, parts and nodes are all found by where they start.
 */
export function lastIndexAtMost(sorted: ArrayLike<number>, value: number, last = sorted.length - 1, first = 0): number {
  let lo = first;
  let hi = last;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (sorted[mid] <= value) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
