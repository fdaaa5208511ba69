import { NmeaFramer } from "../nmea/nmea-framer.ts";
import { NmeaDecoder } from "../nmea/nmea-decoder.ts";
import { FixAssembler, type AssemblerOptions } from "./fix-assembler.ts";
import type { GpsFix } from "./gps-fix.ts";

/**
 * NMEA text in, fixes out: framing (nmea-framer.ts), decoding (nmea-decoder.ts)
 * and assembly (fix-assembler.ts), each keeping the counters a batch carries.
 */
export class FixReader {
  readonly framer: NmeaFramer;
  readonly decoder = new NmeaDecoder();
  readonly assembler: FixAssembler;

  constructor(emit: (fix: GpsFix) => void, o?: AssemblerOptions) {
    const decoder = this.decoder;
    const assembler = (this.assembler = new FixAssembler(emit, o));
    this.framer = new NmeaFramer((line) => {
      const s = decoder.decode(line);
      if (s) assembler.add(s);
    });
  }

  /** Serial text from the GPS, any chunk size. */
  feed(chunk: string): void {
    this.framer.feed(chunk);
  }

  /** Ends the input: the last epoch becomes a fix. */
  finish(): void {
    this.assembler.finish();
  }
}

/** Every fix in an NMEA text, fed in chunks of `chunk` characters (0: at once); `corroborate` as the tracker reads. */
export function fixesFromNmea(text: string, startDay?: number, chunk = 0, corroborate = false): GpsFix[] {
  const fixes: GpsFix[] = [];
  const r = new FixReader((f) => fixes.push(f), { startDay, corroborate });
  if (chunk <= 0) r.feed(text);
  else for (let i = 0; i < text.length; i += chunk) r.feed(text.substring(i, i + chunk));
  r.feed("\n");
  r.finish();
  return fixes;
}
