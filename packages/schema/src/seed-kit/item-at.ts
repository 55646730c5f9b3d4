/**
 * `items[index]` for an index the seeder computed to be in range (a loop bound, a modulo, a plan's
 * count): one out of range is a bug in the seeder, so it stops the seed with the index rather than
 * writing `undefined` into a row.
 */
export function itemAt<T>(items: ArrayLike<T>, index: number): T {
  const item = items[index];
  if (item === undefined) {
    throw new RangeError(`seed: index ${index} is outside the ${items.length} items it reads`);
  }
  return item;
}
