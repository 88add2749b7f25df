// Entry of the executable. `--scheme` (splunkd runs it at every start) answers from this small file;
// every other mode compiles the program, which build/package/bundle.mjs embeds as strings: V8 scans a
// string literal far faster than it pre-parses code, so each mode compiles only what it runs
// (docs/performance.md, start-up):
// - __MAIN__: the program without the packages only some modes need;
// - __CHUNKS__: those packages (the OCI SDK, yargs) by chunk, compiled on the first require() of one of
//   their module ids (__CHUNK_IDS__: module id -> chunk).
import { runInThisContext } from 'node:vm';
import { schemeXml } from './splunk/scheme';

declare const __MAIN__: string;
declare const __CHUNK_IDS__: Record<string, string>;
declare const __CHUNKS__: Record<string, string>;

type Require = (id: string) => unknown;

/** Compiles CommonJS source as a module of its own and returns its exports. */
function compile(source: string, req: Require): Record<string, unknown> {
  const fn = runInThisContext(`(function (require, module, exports, __filename, __dirname) {${source}\n})`, {
    filename: __filename,
  }) as (...args: unknown[]) => void;
  const mod = { exports: {} as Record<string, unknown> };
  fn(req, mod, mod.exports, __filename, __dirname);
  return mod.exports;
}

if (process.argv.slice(2).includes('--scheme')) {
  process.stdout.on('error', () => undefined);
  process.stdout.write(schemeXml());
} else {
  const loaded = new Map<string, Record<string, unknown>>();
  const chunkRequire: Require = (id) => {
    const name = __CHUNK_IDS__[id];
    if (name === undefined) return require(id);
    let exports = loaded.get(name);
    if (!exports) loaded.set(name, (exports = compile(__CHUNKS__[name] as string, require)));
    return exports[id];
  };
  const main = runInThisContext(`(function (require, module, exports, __filename, __dirname) {${__MAIN__}\n})`, {
    filename: __filename,
  }) as (...args: unknown[]) => void;
  main(chunkRequire, module, exports, __filename, __dirname);
}
