import { checksumOk, decodedType, gga, gll, gns, gsa, rmc, type Sentence, vtg, zda } from "./nmea-sentence.ts";

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
    // The fields, the talker and type first, the checksum cut off; each type's reader is in
    // nmea-sentence.ts. The switch is here, not in a function of its own: on the interpreter a
    // call costs, and this runs once a sentence (it cost 3.6 % of bench:parse on the interpreter).
    const f = line.substring(1, line.length - 3).split(",");
    let s: Sentence | undefined;
    switch (type) {
      case "RMC":
        s = rmc(f);
        break;
      case "GGA":
        s = gga(f);
        break;
      case "GLL":
        s = gll(f);
        break;
      case "GNS":
        s = gns(f);
        break;
      case "VTG":
        s = vtg(f);
        break;
      case "GSA":
        s = gsa(f);
        break;
      default:
        s = zda(f);
    }
    if (s) this.parsed++;
    else this.malformed++;
    return s;
  }
}
