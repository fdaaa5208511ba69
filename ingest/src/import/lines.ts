/**
 * Splits text that arrives in pieces into lines (LF or CRLF), keeping a line
 * cut between pieces until its end comes.
 */
export class LineSplitter {
  private carry = "";

  constructor(private readonly onLine: (line: string) => void) {}

  write(text: string): void {
    const parts = (this.carry + text).split("\n");
    this.carry = parts.pop()!;
    for (const line of parts) this.onLine(line.endsWith("\r") ? line.slice(0, -1) : line);
  }

  /** The last line, when the text does not end with a line break. */
  end(): void {
    if (this.carry !== "") this.onLine(this.carry.endsWith("\r") ? this.carry.slice(0, -1) : this.carry);
    this.carry = "";
  }
}
