/**
 * Binary search over ascending numbers: the last index in [0, last] whose value is at most
 * `value`, or 0 when none is. Lines, parts and nodes are all found by where they start.
 */
export function lastIndexAtMost(sorted: ArrayLike<number>, value: number, last = sorted.length - 1): number {
  let lo = 0;
  let hi = last;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (sorted[mid] <= value) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
