import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Refusal } from "./refusal.ts";

/** tools/boards: the local board descriptions EspruinoTools reads instead of www.espruino.com/json. */
export const BOARDS_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "boards");

/** `--board` names and the BOARD each Espruino reports in process.env (its boards/*.py file name). */
export const BOARD_IDS: Readonly<Record<string, string>> = {
  PICO: "PICO_R1_3",
  ORIGINAL: "ESPRUINOBOARD",
};

/** The part of an Espruino board JSON (scripts/build_board_json.py) that flashing reads. */
export interface BoardJson {
  info: { name: string; variables: number; builtin_modules: string[] };
  chip: { saved_code: { page_size: number; pages: number } };
  [key: string]: unknown;
}

export interface BoardDescription {
  /** the `--board` name, e.g. PICO */
  name: string;
  /** what the board reports as process.env.BOARD, e.g. PICO_R1_3 */
  id: string;
  title: string;
  /** bytes of flash kept for saved code (Storage): page_size × pages */
  savedCodeBytes: number;
  /** modules built into the firmware, which need no upload */
  builtinModules: string[];
  json: BoardJson;
}

/** Reads tools/boards/<id>.json for a `--board` name (PICO, ORIGINAL, or the Espruino id); refuses others. */
export function boardDescription(name: string): BoardDescription {
  const key = name.toUpperCase();
  const id = BOARD_IDS[key] ?? Object.values(BOARD_IDS).find((v) => v === key);
  if (!id) throw new Refusal(`unknown board '${name}': kayaktrack flashes ${Object.keys(BOARD_IDS).join(" or ")}`);
  const json = JSON.parse(readFileSync(join(BOARDS_DIR, `${id}.json`), "utf8")) as BoardJson;
  const saved = json.chip.saved_code;
  return {
    name: Object.keys(BOARD_IDS).find((k) => BOARD_IDS[k] === id)!,
    id,
    title: json.info.name,
    savedCodeBytes: saved.page_size * saved.pages,
    builtinModules: json.info.builtin_modules,
    json,
  };
}

/**
 * Flash a file of `length` bytes takes in Storage: a 32-byte header (size
 * and a 28-byte name, JsfFileHeader in Espruino's src/jsflash.h) and the
 * data rounded up to whole 32-bit words.
 */
export function storageBytes(length: number): number {
  return 32 + Math.ceil(length / 4) * 4;
}
