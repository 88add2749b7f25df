// Entry of the executable. `--scheme` (splunkd runs it at every start) answers from this small file;
// every other mode compiles the program, which build/package/bundle.mjs embeds as strings: V8 scans a
// string literal far faster than it pre-parses code, so each mode compiles only what it runs
// (docs/performance.md, start-up):
// - __MAIN__: the program without the packages only some modes need;
// - __CHUNKS__: those packages (the OCI SDK, yargs) by chunk, compiled on the first require() of one of
//   their module ids (__CHUNK_IDS__: module id -> chunk).
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInThisContext, Script } from 'node:vm';
import { schemeXml } from './splunk/scheme';

declare const __MAIN__: string;
/** sha256 of __MAIN__ (bundle.mjs): names the code cache, since V8 checks a cache against the source's length only. */
declare const __MAIN_SHA256__: string;
declare const __CHUNK_IDS__: Record<string, string>;
declare const __CHUNKS__: Record<string, string>;

type Require = (id: string) => unknown;

const WRAP = (source: string): string => `(function (require, module, exports, __filename, __dirname) {${source}\n})`;

/** Compiles CommonJS source as a module of its own and returns its exports. */
function compile(source: string, req: Require): Record<string, unknown> {
  const fn = runInThisContext(WRAP(source), { filename: __filename }) as (...args: unknown[]) => void;
  const mod = { exports: {} as Record<string, unknown> };
  fn(req, mod, mod.exports, __filename, __dirname);
  return mod.exports;
}

/**
 * The streaming run's code cache: V8's compiled code for the main part, made by this very executable on
 * its first run and kept in splunkd's checkpoint folder for the scheme ($SPLUNK_DB/modinputs/oci_audit,
 * the folder splunkd hands the input as checkpoint_dir), so later runs skip most compilation
 * (docs/performance.md, start-up). Made on the host, not at build time: a build-time cache would make the
 * package unreproducible (build/package/README.md). A cache V8 rejects (other Node, other flags) is
 * replaced; any file error only means compiling as before.
 */
function cacheFile(): string | undefined {
  const db = process.env.SPLUNK_DB;
  if (!db) return undefined;
  return join(db, 'modinputs', 'oci_audit', `.code-cache-${__MAIN_SHA256__.slice(0, 16)}-${process.version}-${process.arch}`);
}

function compileMain(): (...args: unknown[]) => void {
  const file = process.argv.length === 2 ? cacheFile() : undefined;
  if (!file) return runInThisContext(WRAP(__MAIN__), { filename: __filename }) as (...args: unknown[]) => void;
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(file);
  } catch {
    // no cache yet
  }
  const script = new Script(WRAP(__MAIN__), { filename: __filename, cachedData });
  if (!cachedData || script.cachedDataRejected) {
    // Written at exit, when the functions the run needed have been compiled and can go into the cache.
    process.once('exit', () => {
      try {
        const data = script.createCachedData();
        mkdirSync(join(file, '..'), { recursive: true });
        const tmp = `${file}.${process.pid}.tmp`;
        writeFileSync(tmp, data, { mode: 0o600 });
        renameSync(tmp, file);
      } catch {
        // best effort
      }
    });
  }
  return script.runInThisContext() as (...args: unknown[]) => void;
}

if (process.argv.slice(2).includes('--scheme')) {
  process.stdout.on('error', () => undefined);
  process.stdout.write(schemeXml());
} else {
  const loaded = new Map<string, Record<string, unknown>>();
  const chunkRequire: Require = (id) => {
    const name = __CHUNK_IDS__[id];
    if (name === undefined) return require(id); // eslint-disable-line @typescript-eslint/no-require-imports -- built-ins
    let exports = loaded.get(name);
    if (!exports) loaded.set(name, (exports = compile(__CHUNKS__[name] as string, require)));
    return exports[id];
  };
  compileMain()(chunkRequire, module, exports, __filename, __dirname);
}
