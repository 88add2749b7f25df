// The pickers' values: the parameter's comma-separated list, where `*` (all) stands alone.

export const ALL = '*';

export function splitValues(v: string): string[] {
  return v
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
}

/** `*` alone or without it: picking `*` clears the others, picking another clears `*`. */
export function pickedValues(before: readonly string[], after: readonly string[]): string[] {
  const added = after.filter((x) => !before.includes(x));
  if (added.includes(ALL)) return [ALL];
  return after.length > 1 ? after.filter((x) => x !== ALL) : [...after];
}
