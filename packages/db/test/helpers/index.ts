// `@agentstate/db/testing`: the fixtures this package's tests use, for the tests of the packages
// built on it (the CLI's): real files in the shapes the original tools write, temp folders,
// damaged files, an unprivileged user, a writer that replicates.
export * from './dipeo-releases.ts';
export * from './files.ts';
export * from './fixtures.ts';
export * from './original-tools.ts';
export * from './replication.ts';
