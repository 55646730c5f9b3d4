// For the commands that change this package's files: drizzle-kit, and the embedded migrations.
export * from './drizzle-kit.ts';
export * from './embed.ts';
export * from './down.ts';
export * from './squash.ts';
