// Entry of the executable. `--scheme` (splunkd runs it at every start) answers from this small file;
// every other mode compiles the full program, which build/package/bundle.mjs embeds as the string __MAIN__:
// V8 scans a string literal far faster than it pre-parses 1.8 MB of code, so `--scheme` no longer pays
// for the OCI SDK (docs/performance.md, start-up).
import { runInThisContext } from 'node:vm';
import { schemeXml } from './splunk/scheme';

declare const __MAIN__: string;

if (process.argv.slice(2).includes('--scheme')) {
  process.stdout.on('error', () => undefined);
  process.stdout.write(schemeXml());
} else {
  const main = runInThisContext(`(function (require, module, exports, __filename, __dirname) {${__MAIN__}\n})`, {
    filename: __filename,
  }) as (...args: unknown[]) => void;
  main(require, module, exports, __filename, __dirname);
}
