// Seeding: what a database's seeder (its `seed.ts`) is written with (deterministic randomness, row
// planning, text, the context it gets), and `seedDatabase`, which runs a database's seeder.
export * from './plan.ts';
export * from './random.ts';
export * from './seed-database.ts';
export * from './seeder.ts';
export * from './text.ts';
export { freePositions, type Positions } from './free-positions.ts';
export { ROWS_PER_FLUSH, SEED_EPOCH_MS, TableWriter } from './table-writer.ts';
