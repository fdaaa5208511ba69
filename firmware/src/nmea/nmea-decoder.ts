import { checksumOk, decodedType, decodeFields, type Sentence } from "./nmea-sentence.ts";

/** Decodes the lines the framer gives into sentences (nmea-sentence.ts), counting what it cannot use and why. */
export class NmeaDecoder {
  /** sentences decoded */
  parsed = 0;
  /** missing or wrong checksum (of the sentence types decoded) */
  badChecksum = 0;
  /** another talker or sentence type (GSV, proprietary, …) */
  unknown = 0;
  /** right checksum, but fields that cannot be read */
  malformed = 0;

  decode(line: string): Sentence | undefined {
    // The id first: sentences that make no fix (GSV, proprietary, …) are not worth a checksum,
    // which on the interpreter is the costliest step (a loop over every character).
    const type = line.substring(3, 6);
    if (line.charAt(6) !== "," || line.charAt(1) === "P" || !decodedType(type)) {
      this.unknown++;
      return undefined;
    }
    if (!checksumOk(line)) {
      this.badChecksum++;
      return undefined;
    }
    const s = decodeFields(type, line.substring(1, line.length - 3).split(","));
    if (s) this.parsed++;
    else this.malformed++;
    return s;
  }
}
