// bun:sqlite's own types ship with Bun, not with this package; the bench casts the parts it uses.
declare module 'bun:sqlite' {
  export const Database: unknown;
}
