// Spec output plus one plain closing line ("N passed, N failed, N skipped") that CI reads.
const Mocha = require('mocha');
const { Spec } = Mocha.reporters;
class Reporter extends Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const s = runner.stats;
      process.stdout.write(`\n${s.passes} passed, ${s.failures} failed, ${s.pending} skipped\n`);
      // build/dev/test.mjs adds up several mocha runs into one closing line.
      if (process.env.MOCHA_STATS_FILE) {
        require('node:fs').writeFileSync(
          process.env.MOCHA_STATS_FILE,
          JSON.stringify({ passes: s.passes, failures: s.failures, pending: s.pending }),
        );
      }
    });
  }
}
module.exports = Reporter;
