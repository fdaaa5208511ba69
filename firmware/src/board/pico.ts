import { Tracker } from "../tracker.ts";

// Espruino's globals on the board.
declare const Serial1: { setup(baud: number, options: Record<string, unknown>): void; on(event: "data", cb: (data: string) => void): void };
declare const B6: unknown;
declare const B7: unknown;

/**
 * The one place that knows the wiring (docs/hardware.md comes with issue 4):
 * Espruino Pico, GY-GPS6MV1 (NEO-6M) on Serial1, TX→B7, RX←B6, 9600 baud.
 */
export function boot(device: number): Tracker {
  const tracker = new Tracker({
    device,
    onBatch(bytes, seq) {
      // The SD journal and the SIM900 uplink take batches from here in issue 4.
      console.log("batch " + seq + ": " + bytes.length + " bytes");
    },
  });
  Serial1.setup(9600, { rx: B7, tx: B6 });
  Serial1.on("data", (data) => tracker.feed(data));
  return tracker;
}
