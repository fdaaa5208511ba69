/**
 * NMEA 0183 byte framing: turns chunks of serial text of any size into
 * sentences `$…*hh` (without the CR LF), skipping garbage between sentences.
 * Protocol logic lives in nmea-sentence.ts; this only finds the frames.
 * Built for the interpreter: lines are cut with the native split, and each
 * line costs a few native string calls, never a loop over its characters.
 */
export class NmeaFramer {
  /** characters outside any sentence (line ends not counted) */
  garbage = 0;
  /** sentences longer than maxLength, dropped */
  overlong = 0;
  /** sentences cut off by the next '$' before their line end */
  truncated = 0;

  /** the start of a line whose end has not arrived */
  private partial = "";
  /** the partial line was a sentence already too long, and was let go */
  private dropping = false;

  /**
   * @param onSentence called with each complete line that starts with '$'
   * @param maxLength NMEA 0183 allows 82 characters; some receivers go a little over
   */
  constructor(
    private readonly onSentence: (sentence: string) => void,
    private readonly maxLength = 100,
  ) {}

  feed(chunk: string): void {
    const lines = (this.partial + chunk).split("\n");
    this.partial = lines.pop()!;
    for (let i = 0; i < lines.length; i++) this.line(lines[i]!);
    // A line end that never comes must not grow the buffer without bound.
    if (this.partial.length > 2 * this.maxLength) {
      const d = this.partial.lastIndexOf("$");
      this.skip(this.partial, d < 0 ? this.partial.length : d);
      const rest = d < 0 ? "" : this.partial.substring(d);
      if (rest.length > this.maxLength) {
        this.dropping = true;
        this.partial = "";
      } else this.partial = rest;
    }
  }

  private line(raw: string): void {
    // CR LF ends a sentence; some receivers send CR CR LF (a Telit PLS83-W does), the extra CR is no part of it.
    let text = raw;
    while (text.charAt(text.length - 1) === "\r") text = text.substring(0, text.length - 1);
    const d = text.lastIndexOf("$");
    this.skip(text, d < 0 ? text.length : d);
    if (this.dropping) {
      this.dropping = false;
      this.overlong++;
    }
    if (d < 0) return;
    const sentence = text.substring(d);
    if (sentence.length > this.maxLength) this.overlong++;
    else this.onSentence(sentence);
  }

  /** Counts what comes before position `end` of a line: other sentences cut short, or garbage. */
  private skip(text: string, end: number): void {
    if (end <= 0) return;
    const first = text.indexOf("$");
    if (first >= 0 && first < end) {
      // Everything from the first '$' on is sentences that the next '$' cut off.
      this.truncated += text.substring(first, end).split("$").length - 1;
      end = first;
    }
    if (this.dropping) return; // the tail of a sentence already counted as over-long
    this.garbage += end;
  }
}
