// Fault tests append their measured counts here (test-results/ is git-ignored); docs/reliability.md
// quotes them.
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './world';

export function recordResult(scenario: string, counts: Record<string, unknown>): void {
  const dir = path.join(ROOT, 'test-results');
  mkdirSync(dir, { recursive: true });
  appendFileSync(path.join(dir, 'reliability.jsonl'), `${JSON.stringify({ at: new Date().toISOString(), scenario, ...counts })}\n`);
  if (process.env.RELIABILITY_VERBOSE) console.log(`      ${scenario}: ${JSON.stringify(counts)}`);
}
