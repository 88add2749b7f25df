// `npm run demo`: installs what is missing, bundles the executable, then runs the demo pipeline.
import path from 'node:path';
import { ensureDependencies, root, run } from './setup.mjs';

ensureDependencies();
const { bundle } = await import('../package/bundle.mjs');
await bundle();
run(process.execPath, ['--require', 'tsx/cjs', path.join(root, 'build', 'dev', 'demo.ts'), ...process.argv.slice(2)]);
