// `npm run demo`: installs what is missing, bundles the executable, then runs the demo pipeline.
// Every failure ends in one plain line: demo.ts prints its own verdict; set-up and bundling failures are
// said here (build/dev/setup.mjs failInOneLine).
import path from 'node:path';
import { CommandFailed, ensureDependencies, ensureFaketime, failInOneLine, root, run } from './setup.mjs';

const DEMO = path.join(root, 'build', 'dev', 'demo.ts');

await failInOneLine(
  'demo',
  async () => {
    ensureDependencies();
    if (process.argv.includes('--clock-offset-hours')) ensureFaketime();
    const { bundle } = await import('../package/bundle.mjs');
    await bundle();
    run(process.execPath, ['--require', 'tsx/cjs', DEMO, ...process.argv.slice(2)]);
  },
  // demo.ts printed "demo: FAILED: …" itself.
  { quiet: (err) => err instanceof CommandFailed && err.message.includes(path.relative(root, DEMO)) && err.status === 1 },
);
