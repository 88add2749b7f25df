// Bundles src/main.ts into one CommonJS file (dist/oci_audit.js) for Node and for the SEA binary.
// Fails when anything but a Node built-in or a known optional require stays external: the SEA
// can only require built-ins (Node docs, single-executable-applications).
//
// The file is src/boot.ts with the program embedded as strings, compiled only when a mode needs them
// (docs/performance.md, start-up): V8 scans a string literal far faster than it pre-parses code.
// - __MAIN__: our code and what every mode needs;
// - __CHUNKS__: packages only some modes load (the OCI SDK: instance principals, POST signing, realm
//   tables, `preview`/`check`; yargs: the admin commands), each compiled on its first require().
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { builtinModules } from 'node:module';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
// Optional requires guarded by try/catch in dependencies (node-fetch: encoding; debug: supports-color; es6-promise: vertx).
const OPTIONAL = new Set(['encoding', 'supports-color', 'vertx']);
// Built into Node 22 (the SEA runtime) but not into the Node 20 that may run the build; undici loads it lazily.
const LATER_BUILTINS = new Set(['node:sqlite', '<runtime>']);
/** Chunk name -> the packages (and their sub-paths) it holds. */
const CHUNKS = { sdk: ['oci-common', 'oci-identity', 'oci-audit'], cli: ['yargs'] };
const chunkOf = (spec) => Object.keys(CHUNKS).find((c) => CHUNKS[c].some((p) => spec === p || spec.startsWith(`${p}/`)));

export async function bundle({ outfile = path.join(root, 'dist', 'oci_audit.js'), minify = true } = {}) {
  mkdirSync(path.dirname(outfile), { recursive: true });
  const shared = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', minify, legalComments: 'none', logLevel: 'warning' };
  const program = {
    ...shared,
    write: false,
    keepNames: true,
    sourcemap: false,
    metafile: true,
    // oci-common pulls node-fetch -> whatwg-url -> tr46 -> require('punycode'), deprecated in Node 22 (DEP0040).
    alias: { punycode: 'punycode/' },
    external: [...OPTIONAL],
    tsconfigRaw: { compilerOptions: { alwaysStrict: false } },
    define: { __VERSION__: JSON.stringify(JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version) },
  };
  // The main part: chunk packages stay `require("<spec>")` calls, answered by boot.ts.
  const specs = new Set();
  const main = await build({
    ...program,
    entryPoints: [path.join(root, 'src', 'main.ts')],
    outfile,
    plugins: [
      {
        name: 'chunks',
        setup(b) {
          b.onResolve({ filter: /^[^./]/ }, (a) => {
            if (!chunkOf(a.path)) return undefined;
            specs.add(a.path);
            return { path: a.path, external: true };
          });
        },
      },
    ],
  });
  checkExternals(main.metafile, (p) => chunkOf(p) !== undefined);
  // Each chunk: the specifiers the main part requires, as lazy getters, so a chunk evaluates only what is asked.
  const chunks = {};
  const metafiles = [main.metafile];
  for (const name of Object.keys(CHUNKS)) {
    const mine = [...specs].filter((s) => chunkOf(s) === name).sort();
    if (!mine.length) continue;
    const r = await build({
      ...program,
      stdin: {
        contents: mine.map((s) => `Object.defineProperty(exports, ${JSON.stringify(s)}, { get: () => require(${JSON.stringify(s)}) });`).join('\n'),
        resolveDir: root,
        loader: 'js',
        sourcefile: `chunk-${name}.js`,
      },
      outfile: path.join(path.dirname(outfile), `chunk-${name}.js`),
    });
    checkExternals(r.metafile, () => false);
    chunks[name] = { ids: mine, code: r.outputFiles[0].text };
    metafiles.push(r.metafile);
  }
  const ids = Object.fromEntries(Object.entries(chunks).flatMap(([name, c]) => c.ids.map((id) => [id, name])));
  const code = Object.fromEntries(Object.entries(chunks).map(([name, c]) => [name, c.code]));
  await build({
    ...shared,
    entryPoints: [path.join(root, 'src', 'boot.ts')],
    outfile,
    banner: {
      js: `var __MAIN__=${JSON.stringify(main.outputFiles[0].text)},__MAIN_SHA256__=${JSON.stringify(createHash('sha256').update(main.outputFiles[0].text).digest('hex'))},__CHUNK_IDS__=${JSON.stringify(ids)},__CHUNKS__=${JSON.stringify(code)};`,
    },
  });
  return { outfile, metafile: mergeMetafiles(metafiles) };
}

function checkExternals(metafile, allowed) {
  const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
  const externals = new Set();
  for (const input of Object.values(metafile.inputs)) {
    for (const imp of input.imports)
      if (imp.external && !builtins.has(imp.path) && !OPTIONAL.has(imp.path) && !LATER_BUILTINS.has(imp.path) && !allowed(imp.path))
        externals.add(imp.path);
  }
  if (externals.size) throw new Error(`bundle: unexpected external modules: ${[...externals].join(', ')}`);
}

/** One metafile for package.mjs (THIRD-PARTY-NOTICES reads the inputs of every part). */
function mergeMetafiles(list) {
  const inputs = {};
  const outputs = {};
  list.forEach((m, i) => {
    Object.assign(inputs, m.inputs);
    for (const [k, v] of Object.entries(m.outputs)) outputs[`${k}#${i}`] = v;
  });
  return { inputs, outputs };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { outfile } = await bundle();
  console.log(`bundle: ${path.relative(root, outfile)}`);
}
