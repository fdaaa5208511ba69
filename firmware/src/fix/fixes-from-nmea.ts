import { NmeaFramer } from "../nmea/nmea-framer.ts";
import { NmeaDecoder } from "../nmea/nmea-decoder.ts";
import { FixAssembler, type AssemblerOptions } from "./fix-assembler.ts";
import type { Fix } from "./fix.ts";

/** The NMEA pipeline of the tracker: framing, decoding, assembly, with its counters. */
export function nmeaPipeline(emit: (fix: Fix) => void, o?: AssemblerOptions) {
  const decoder = new NmeaDecoder();
  const assembler = new FixAssembler(emit, o);
  const framer = new NmeaFramer((line) => {
    const s = decoder.decode(line);
    if (s) assembler.add(s);
  });
  return { framer, decoder, assembler };
}

/** Every fix in an NMEA text, fed in chunks of `chunk` characters (0: at once); `corroborate` as the tracker reads. */
export function fixesFromNmea(text: string, startDay?: number, chunk = 0, corroborate = false): Fix[] {
  const fixes: Fix[] = [];
  const p = nmeaPipeline((f) => fixes.push(f), { startDay, corroborate });
  if (chunk <= 0) p.framer.feed(text);
  else for (let i = 0; i < text.length; i += chunk) p.framer.feed(text.substring(i, i + chunk));
  p.framer.feed("\n");
  p.assembler.finish();
  return fixes;
}
