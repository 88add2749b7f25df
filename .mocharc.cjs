// Mocha loads TypeScript through tsx; the reporter adds the plain "N passed, N failed" closing line.
module.exports = {
  require: ['tsx/cjs'],
  extension: ['ts'],
  // MOCHA_SPEC narrows a run (build/test.mjs reruns only the e2e suites against the packaged binary).
  spec: process.env.MOCHA_SPEC ? process.env.MOCHA_SPEC.split(',') : ['test/**/*.test.ts'],
  reporter: './test/support/reporter.cjs',
  timeout: 20000,
  exit: true,
};
