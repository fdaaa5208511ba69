const UNITS: Record<string, number> = { h: 3600, m: 60, s: 1 };

/**
 * Seconds in a duration written as for --duration: "2h", "90m", "45s",
 * "1h30m", "1.5h", or a bare number of seconds. An Error says what is wrong.
 */
export function parseDuration(text: string): number {
  const t = text.trim().toLowerCase();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t);
  const parts = [...t.matchAll(/(\d+(?:\.\d+)?)([hms])/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join("") !== t || new Set(parts.map((p) => p[2])).size !== parts.length) {
    throw new Error(`duration '${text}': write it like 2h, 90m, 45s or 1h30m`);
  }
  return parts.reduce((s, p) => s + Number(p[1]) * UNITS[p[2]!]!, 0);
}
