// Mocha loads TypeScript through tsx; the reporter adds the plain "N passed, N failed" closing line.
module.exports = {
  require: ['tsx/cjs'],
  extension: ['ts'],
  spec: ['test/**/*.test.ts'],
  reporter: './test/support/reporter.cjs',
  timeout: 20000,
  exit: true,
};
