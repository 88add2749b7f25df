// Operational knobs from the environment (README "Operational knobs"): positive numbers, else the default.
export function envNumber(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
}
