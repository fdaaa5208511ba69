import { readFileSync } from "node:fs";
import { checkConfig, type TrackerConfig } from "@kayaktrack/firmware/config";
import { Refusal } from "./refusal.ts";

export interface TrackerConfigFile {
  /** the file's object as written, which is what gets baked in */
  json: Record<string, unknown>;
  /** that object over the firmware's defaults */
  config: TrackerConfig;
}

/**
 * Reads a tracker.json for flashing and checks it as the firmware will
 * (checkConfig). Refuses with every problem listed, so one run shows them all.
 */
export function readTrackerConfigFile(path: string): TrackerConfigFile {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new Refusal(`cannot read the tracker config ${path}: ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Refusal(`${path} is not JSON: ${(e as Error).message}`);
  }
  if (json === null || typeof json !== "object" || Array.isArray(json)) throw new Refusal(`${path} must hold a JSON object of tracker settings`);
  const { config, errors } = checkConfig([json]);
  if (errors.length) throw new Refusal(`${path} is not a usable tracker config (nothing was sent to the board):`, errors);
  return { json: json as Record<string, unknown>, config };
}
