import { describeTripOptions, parseTripSettings, setTripOptions, TRIP_SETTINGS, tripOptions } from "@kayaktrack/ingest";
import { withStore } from "../with-store.ts";

export interface TripSettingsOptions {
  db?: string;
  reset?: boolean;
  json?: boolean;
  /** the thresholds by their flag names (commander camel-cases them) */
  [flag: string]: string | boolean | undefined;
}

/** The command-line flags of the trip thresholds, each with its unit (TRIP_SETTINGS). */
export const tripSettingFlags = Object.values(TRIP_SETTINGS).map((s) => ({
  flag: `--${s.flag} <${s.unit}>`,
  name: s.flag,
  help: s.says,
}));

const camel = (flag: string) => flag.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());

/**
 * `kayaktrack trips settings [--gap 30m …] [--reset]`: shows the trip
 * thresholds of the database, or sets some; trips are split again with them
 * the next time they are read (by the server, an export or a share link).
 */
export async function tripSettingsCommand(o: TripSettingsOptions): Promise<void> {
  const text: Record<string, string> = {};
  for (const f of tripSettingFlags) {
    const v = o[camel(f.name)];
    if (typeof v === "string") text[f.name] = v;
  }
  if (o.reset && Object.keys(text).length) throw new Error("--reset goes back to the defaults: give it alone");
  const changes = o.reset ? "reset" : parseTripSettings(text);
  const setting = changes === "reset" || Object.keys(changes).length > 0;
  const now = await withStore(o.db, async (store) => (setting ? setTripOptions(store, changes) : tripOptions(store)));
  if (o.json) process.stdout.write(JSON.stringify(now) + "\n");
  else process.stdout.write((setting ? "Trips will be split again with these settings.\n" : "") + describeTripOptions(now) + "\n");
}
