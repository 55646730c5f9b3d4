// bun:test's own types ship with Bun, not with this package; the suite takes its functions as they are.
declare module 'bun:test' {
  export const describe: unknown;
  export const it: unknown;
  export const expect: unknown;
  export const afterEach: unknown;
}
