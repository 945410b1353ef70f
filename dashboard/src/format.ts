/** Number formatting shared by every page. */
export const pct = (x: number | null | undefined): string =>
  x === null || x === undefined ? "—" : `${(x * 100).toFixed(1)}%`;

export const ms = (x: number | null | undefined): string =>
  x === null || x === undefined ? "—" : `${Number(x).toFixed(x < 10 ? 2 : 0)} ms`;

/** Chart bucket per window preset, and the preset's span. */
export const BUCKET: Record<string, string> = {
  "1h": "1m",
  "24h": "5m",
  "7d": "1h",
  "30d": "1d",
};
export const BUCKET_MS: Record<string, number> = {
  "1m": 60_000,
  "5m": 300_000,
  "1h": 3_600_000,
  "1d": 86_400_000,
};
export const SPAN: Record<string, number> = {
  "1h": 3_600_000,
  "24h": 86_400_000,
  "7d": 7 * 86_400_000,
  "30d": 30 * 86_400_000,
};
