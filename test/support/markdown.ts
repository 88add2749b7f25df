// Reading the repository's markdown tables in tests (docs/contract.md, docs/cim-mapping.md).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';

/** Cells of the first markdown table after the heading that matches `heading`, without its header row. */
export function mdTable(file: string, heading: RegExp): string[][] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const start = lines.findIndex((l) => heading.test(l));
  assert.ok(start >= 0, `${file}: heading ${heading} not found`);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 1)) {
    const l = line.trim();
    if (l.startsWith('#')) break;
    if (!l.startsWith('|')) {
      if (rows.length) break;
      continue;
    }
    const cells = l
      .slice(1, -1)
      .split('|')
      .map((c) => c.trim());
    if (!cells.every((c) => /^-+$/.test(c))) rows.push(cells);
  }
  return rows.slice(1);
}

/** The `code` spans of a cell. */
export const ticks = (cell: string): string[] => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
