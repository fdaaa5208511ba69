/**
 * NMEA 0183 byte framing: turns chunks of serial text of any size into
 * sentences `$…*hh` (without the CR LF), skipping garbage between sentences.
 * Protocol logic lives in nmea-sentence.ts; this only finds the frames.
 * Runs on Espruino: it scans with indexOf, never character by character.
 */
export class NmeaFramer {
  /** characters outside any sentence (line ends not counted) */
  garbage = 0;
  /** lines longer than maxLength, dropped */
  overlong = 0;
  /** sentences cut off by the next '$' before their line end */
  truncated = 0;

  private buf = "";
  private inSentence = false;
  private tooLong = false;

  /**
   * @param onSentence called with each complete line that starts with '$'
   * @param maxLength NMEA 0183 allows 82 characters; some receivers go a little over
   */
  constructor(
    private readonly onSentence: (sentence: string) => void,
    private readonly maxLength = 100,
  ) {}

  feed(chunk: string): void {
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      if (!this.inSentence) {
        const start = chunk.indexOf("$", i);
        this.garbage += countVisible(chunk, i, start < 0 ? n : start);
        if (start < 0) return;
        this.inSentence = true;
        this.tooLong = false;
        this.buf = "$";
        i = start + 1;
      }
      const end = firstOf(chunk, i);
      const stop = end < 0 ? n : end;
      if (!this.tooLong) {
        if (this.buf.length + stop - i > this.maxLength) {
          this.tooLong = true;
          this.buf = "";
        } else this.buf += chunk.substring(i, stop);
      }
      if (end < 0) return;
      this.inSentence = false;
      if (chunk.charAt(end) === "$") {
        // A new sentence began before this one ended.
        if (this.tooLong) this.overlong++;
        else this.truncated++;
        i = end;
        continue;
      }
      if (this.tooLong) this.overlong++;
      else this.onSentence(this.buf);
      this.buf = "";
      i = end + 1;
    }
  }
}

/** Index of the first CR, LF or '$' at or after `from`, or -1. */
function firstOf(s: string, from: number): number {
  let best = -1;
  const marks = ["\r", "\n", "$"];
  for (let k = 0; k < marks.length; k++) {
    const j = s.indexOf(marks[k]!, from);
    if (j >= 0 && (best < 0 || j < best)) best = j;
  }
  return best;
}

/** Characters in s[from, to) other than CR and LF. */
function countVisible(s: string, from: number, to: number): number {
  let count = 0;
  for (let j = from; j < to; j++) {
    const c = s.charCodeAt(j);
    if (c !== 13 && c !== 10) count++;
  }
  return count;
}
