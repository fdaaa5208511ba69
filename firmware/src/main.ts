import { boardWiring } from "./board/espruino-boards.ts";
import { FixReader } from "./fix/fix-reader.ts";
import { espruinoClock, espruinoHardware } from "./hal/espruino-hardware.ts";
import { EspruinoFiles } from "./hal/espruino-files.ts";
import { Journal } from "./journal/journal.ts";
import { Sim900 } from "./modem/sim900.ts";
import { boot } from "./boot.ts";
import { FixKeeper } from "./fix-keeper.ts";
import { encodeBatch } from "./wire/batch-writer.ts";

// The entry of dist/tracker.js. It publishes the firmware as the global
// `kayaktrack` (so tests and the laptop's runner can drive it) and, on a
// board, boots. A host sets KAYAKTRACK_NO_BOOT to load it without booting.
declare const global: Record<string, any>;
declare const process: { env: { BOARD: string } };
declare const Serial1: unknown;

global.kayaktrack = { FixKeeper, FixReader, encodeBatch, Sim900, Journal, EspruinoFiles, boot, espruinoHardware, espruinoClock };
if (typeof Serial1 !== "undefined" && !global.KAYAKTRACK_NO_BOOT) {
  // The config comes from `kayaktrack flash` (KAYAKTRACK_CONFIG) and the card's CONFIG.TXT.
  const wiring = boardWiring(process.env.BOARD, global.KAYAKTRACK_PORTS);
  if (wiring) global.kayaktrack.running = boot(espruinoHardware(wiring), { baked: global.KAYAKTRACK_CONFIG });
  else console.log("kayaktrack: no wiring for board " + process.env.BOARD + " (firmware/src/board/espruino-boards.ts)");
}
