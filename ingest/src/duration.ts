const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 7 * 86400 };

/** Seconds from "90", "30s", "15m", "2h", "7d" or "1w"; undefined when it is none of those. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([smhdw]?)$/.exec(text.trim());
  if (!m) return undefined;
  return Number(m[1]) * UNITS[m[2] || "s"]!;
}
