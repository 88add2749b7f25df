// Bundles the setup pages (src/web, React + @splunk/react-ui) into appserver/static/ta_oci_audit_setup.js,
// the script= of default/data/ui/views/ta_oci_audit_setup.xml. JSX is compiled here only (esbuild
// jsx: automatic); type checking is `tsc -p src/web/tsconfig.json`. The output is git-ignored
// (appserver/static/.gitignore). After the build, web-amd-check.mjs fails it when an AMD branch is left.
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkNoAmd } from './web-amd-check.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export async function bundleWeb({ outdir = path.join(root, 'appserver', 'static'), minify = true } = {}) {
  mkdirSync(outdir, { recursive: true });
  const outfile = path.join(outdir, 'ta_oci_audit_setup.js');
  const result = await build({
    entryPoints: [path.join(root, 'src', 'web', 'main.tsx')],
    bundle: true,
    platform: 'browser',
    // Splunk Web loads dashboard scripts through RequireJS (module app/<app>/<file>); an IIFE neither
    // defines nor needs a module, and calling define() would make a plain <script> load of it fail.
    format: 'iife',
    target: ['chrome109', 'firefox115', 'safari15', 'edge109'],
    outfile,
    minify,
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'warning',
    metafile: true,
    jsx: 'automatic',
    // `define` (the page's RequireJS) is undefined for bundled code, so every UMD wrapper (lodash, used by
    // @splunk/react-ui and @splunk/splunk-utils) drops its AMD branch at build time and keeps its export
    // (esbuild does not hide a page's define: evanw/esbuild#2366, #2259).
    define: { 'process.env.NODE_ENV': '"production"', define: 'undefined' },
    tsconfig: path.join(root, 'src', 'web', 'tsconfig.json'),
  });
  checkNoAmd(outfile);
  return { outfile, metafile: result.metafile };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { outfile } = await bundleWeb();
  console.log(`web: ${path.relative(root, outfile)}`);
}
