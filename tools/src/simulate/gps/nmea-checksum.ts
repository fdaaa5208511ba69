import { appendChecksumFooter } from "nmea-simple/dist/helpers.js";

/**
 * `$body*hh` for a sentence body such as "GPGLL,,,,,,V,N": hh is the XOR of the
 * body's characters, as nmea-simple encodes it (its encoders' footer).
 */
export function withChecksum(body: string): string {
  if (/[$*\r\n]/.test(body)) throw new Error(`an NMEA sentence body cannot hold '$', '*' or a line end: ${JSON.stringify(body)}`);
  return appendChecksumFooter(`$${body}`);
}
