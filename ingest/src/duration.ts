const UNITS: Record<string, number> = { w: 7 * 86400, d: 86400, h: 3600, m: 60, s: 1 };

/**
 * Seconds in a duration, the one rule of the API and every command line:
 * a bare number of seconds ("90"), or numbers with units from weeks down,
 * each unit once and the larger first: "30s", "15m", "1.5h", "7d", "1w",
 * "1h30m". Undefined when it is none of those.
 */
export function parseDuration(text: string): number | undefined {
  const t = text.trim().toLowerCase();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t);
  const parts = [...t.matchAll(/(\d+(?:\.\d+)?)\s*([wdhms])/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join("") !== t) return undefined;
  const sizes = parts.map((p) => UNITS[p[2]!]!);
  if (sizes.some((size, i) => i > 0 && size >= sizes[i - 1]!)) return undefined;
  return parts.reduce((s, p, i) => s + Number(p[1]) * sizes[i]!, 0);
}
