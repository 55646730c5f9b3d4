// What a database's seeder (its `seed.ts`) is written with: deterministic randomness, row
// planning, text and the context type. Apart from `seedDatabase`, which reads the registry, so
// a definition's seeder can import it without a cycle.
export * from './item-at.ts';
export * from './plan.ts';
export * from './random.ts';
export * from './seeder.ts';
export * from './text.ts';
