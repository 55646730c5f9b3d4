// liteque, a peer measured by `pnpm bench`, runs its dequeue in an async transaction, which
// better-sqlite3 refuses from 11.10 on ("Transaction function cannot return a promise"). It gets
// its own better-sqlite3 of the 11.9 line, as its users run it; the workspace keeps 12.x.
module.exports = {
  hooks: {
    readPackage(manifest) {
      if (manifest.name === 'liteque') {
        delete manifest.peerDependencies?.['better-sqlite3'];
        manifest.dependencies = { ...manifest.dependencies, 'better-sqlite3': '11.9.1' };
      }
      return manifest;
    },
  },
};
