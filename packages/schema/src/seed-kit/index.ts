// Seeding: what a database's seeder is written with (recipe.ts), and `seedDatabase`, which runs a
// database's seeder over a connection.
export * from './recipe.ts';
export * from './seed-database.ts';
export { freePositions, type Positions } from './free-positions.ts';
export { ROWS_PER_FLUSH, SEED_EPOCH_MS, TableWriter } from './table-writer.ts';
