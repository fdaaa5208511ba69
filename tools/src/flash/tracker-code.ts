/**
 * The code `kayaktrack flash` saves on the board: the config baked in as the
 * global the firmware reads at boot (a CONFIG.TXT on the card may override
 * it), then the bundle. Non-ASCII characters in the config are written as
 * \u escapes, so the code stays ASCII like the bundle (charset "ascii" in
 * firmware/scripts/build.ts) and reaches the board byte for byte.
 */
export function trackerCode(config: Record<string, unknown>, bundle: string): string {
  const json = JSON.stringify(config).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  return `KAYAKTRACK_CONFIG=${json};\n${bundle}`;
}

/** Modules the code loads with require("…"): all must be built into the board's firmware, as nothing is downloaded. */
export function requiredModules(code: string): string[] {
  const names = new Set<string>();
  for (const m of code.matchAll(/\brequire\(\s*(["'])([^"'\n]+)\1\s*\)/g)) names.add(m[2]!);
  return [...names];
}
