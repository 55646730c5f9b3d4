/** One formatter for the whole workspace. */
export default {
  printWidth: 100,
  singleQuote: true,
  trailingComma: 'all',
};
