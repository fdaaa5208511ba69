import { boot } from "./board/pico.ts";
import { fixesFromNmea, nmeaPipeline } from "./fix/fixes-from-nmea.ts";
import { EspruinoFiles } from "./journal/espruino-files.ts";
import { Journal } from "./journal/journal.ts";
import { Sim900 } from "./modem/sim900.ts";
import { Tracker } from "./tracker.ts";
import { encodeBatch } from "./wire/batch-encoder.ts";

// The entry of dist/tracker.js. It publishes the firmware as the global
// `kayaktrack` (so tests and the laptop's runner can drive it) and, on a
// board, boots. A host sets KAYAKTRACK_NO_BOOT to load it without booting.
declare const global: Record<string, unknown>;
declare const Serial1: unknown;

global.kayaktrack = { Tracker, fixesFromNmea, nmeaPipeline, encodeBatch, Sim900, Journal, EspruinoFiles };
if (typeof Serial1 !== "undefined" && !global.KAYAKTRACK_NO_BOOT) boot(1);
