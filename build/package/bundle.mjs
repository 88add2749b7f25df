// Bundles src/main.ts into one CommonJS file (dist/oci_audit.js) for Node and for the SEA binary.
// Fails when anything but a Node built-in or a known optional require stays external: the SEA
// can only require built-ins (Node docs, single-executable-applications).
import { build } from 'esbuild';
import { builtinModules } from 'node:module';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
// Optional requires guarded by try/catch in dependencies (node-fetch: encoding; debug: supports-color; es6-promise: vertx).
const OPTIONAL = new Set(['encoding', 'supports-color', 'vertx']);
// Built into Node 22 (the SEA runtime) but not into the Node 20 that may run the build; undici loads it lazily.
const LATER_BUILTINS = new Set(['node:sqlite', '<runtime>']);

export async function bundle({ outfile = path.join(root, 'dist', 'oci_audit.js'), minify = true } = {}) {
  mkdirSync(path.dirname(outfile), { recursive: true });
  const shared = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile, minify, legalComments: 'none', logLevel: 'warning' };
  const result = await build({
    ...shared,
    entryPoints: [path.join(root, 'src', 'main.ts')],
    write: false,
    keepNames: true,
    sourcemap: false,
    metafile: true,
    // oci-common pulls node-fetch -> whatwg-url -> tr46 -> require('punycode'), deprecated in Node 22 (DEP0040).
    alias: { punycode: 'punycode/' },
    external: [...OPTIONAL],
    tsconfigRaw: { compilerOptions: { alwaysStrict: false } },
    define: { __VERSION__: JSON.stringify(JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version) },
  });
  const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
  const externals = new Set();
  for (const input of Object.values(result.metafile.inputs)) {
    for (const imp of input.imports) if (imp.external && !builtins.has(imp.path) && !OPTIONAL.has(imp.path) && !LATER_BUILTINS.has(imp.path)) externals.add(imp.path);
  }
  if (externals.size) throw new Error(`bundle: unexpected external modules: ${[...externals].join(', ')}`);
  // The file run is src/boot.ts with the whole program above as a string (see there: start-up time).
  await build({
    ...shared,
    entryPoints: [path.join(root, 'src', 'boot.ts')],
    banner: { js: `var __MAIN__=${JSON.stringify(result.outputFiles[0].text)};` },
  });
  return { outfile, metafile: result.metafile };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { outfile } = await bundle();
  console.log(`bundle: ${path.relative(root, outfile)}`);
}
