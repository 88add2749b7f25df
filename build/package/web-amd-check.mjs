// Build-time check of the setup page's bundle: no UMD module inside it may take an AMD branch.
// Splunk Web loads a dashboard's script= through RequireJS, so the page has a global `define` with
// `define.amd`; a UMD wrapper that sees it hands its export to RequireJS and leaves the bundle's own
// copy empty (esbuild does not hide a page's `define` from bundled code: evanw/esbuild#2366, #2259).
// The check reads the built file with ESLint's scope analysis: any reference to a global `define`
// (`typeof define`, `define(...)`) or any `.amd` property read is a way into an AMD branch.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Linter } from 'eslint';

const RULES = {
  'no-restricted-globals': ['error', { name: 'define', message: 'a global `define` (RequireJS on Splunk Web pages) is read' }],
  'no-restricted-properties': ['error', { property: 'amd', message: '`.amd` is read: an AMD branch of a UMD wrapper' }],
};

/** Problems in the bundle's text: [{ line, column, message, excerpt }]; empty when no AMD branch is reachable. */
export function amdProblems(code) {
  const linter = new Linter({ configType: 'flat' });
  const messages = linter.verify(code, [
    { languageOptions: { ecmaVersion: 'latest', sourceType: 'script', globals: {} }, linterOptions: { reportUnusedDisableDirectives: 'off' }, rules: RULES },
  ]);
  const lines = code.split('\n');
  return messages.map((m) => {
    const text = lines[(m.line ?? 1) - 1] ?? '';
    const at = (m.column ?? 1) - 1;
    return { line: m.line, column: m.column, message: m.message, excerpt: text.slice(Math.max(0, at - 60), at + 60) };
  });
}

/** Throws with every problem when the built file could take an AMD branch. */
export function checkNoAmd(file) {
  const problems = amdProblems(readFileSync(file, 'utf8'));
  if (problems.length === 0) return;
  const list = problems.map((p) => `  ${path.basename(file)}:${p.line}:${p.column} ${p.message}\n      …${p.excerpt}…`).join('\n');
  throw new Error(`web: ${problems.length} unguarded AMD branch reference(s) in ${file}; RequireJS on Splunk Web pages would take them:\n${list}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = process.argv[2];
  if (!file) throw new Error('usage: node build/package/web-amd-check.mjs <bundle.js>');
  try {
    checkNoAmd(file);
    console.log(`web: ${file}: no AMD branch can be taken (no global define, no .amd read)`);
  } catch (e) {
    console.error(e.message);
    process.exit(1);
  }
}
