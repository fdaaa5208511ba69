/**
 * What a host sends a SIM900, cut into command lines or raw data bytes.
 *
 * A command line ends with CR (S3, V.25ter 6.2.1, as the SIM900 AT Commands
 * Set says); a LF right after it (CR LF endings) is ignored. After DOWNLOAD
 * (AT+HTTPDATA) the modem takes an exact count of raw bytes instead, which
 * may hold any byte, CR included. Bytes are latin1: one char per byte.
 *
 * Pull-based, like the module's UART buffer: bytes wait here until the modem
 * is ready for its next command, so how the input was chunked never matters.
 */
export class AtCommandFramer {
  private buf: Buffer = Buffer.alloc(0);
  /** an overlong line was cut: the rest of it, up to its CR, goes too */
  private skipping = false;

  /** A line longer than this without its CR is noise: dropped (the SIM900's command buffer is 556 characters). */
  static readonly MAX_LINE = 1024;

  /** Serial bytes from the host, any chunk size. A string is taken as latin1. */
  feed(chunk: Uint8Array | string): void {
    const bytes = typeof chunk === "string" ? Buffer.from(chunk, "latin1") : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.buf = this.buf.length === 0 ? Buffer.from(bytes) : Buffer.concat([this.buf, bytes]);
  }

  /** Bytes waiting. */
  get buffered(): number {
    return this.buf.length;
  }

  /**
   * The next whole command line, without its CR (and with a LF before it
   * dropped), as latin1 text; undefined until a CR has come.
   */
  nextLine(): string | undefined {
    for (;;) {
      const cr = this.buf.indexOf(0x0d);
      if (cr < 0) {
        if (this.buf.length > AtCommandFramer.MAX_LINE) {
          this.buf = Buffer.alloc(0);
          this.skipping = true;
        }
        return undefined;
      }
      if (this.skipping) {
        this.skipping = false;
        this.buf = this.buf.subarray(cr + 1);
        continue;
      }
      let start = 0;
      while (start < cr && this.buf[start] === 0x0a) start++;
      const text = this.buf.subarray(start, cr).toString("latin1");
      this.buf = this.buf.subarray(cr + 1);
      if (cr - start <= AtCommandFramer.MAX_LINE) return text;
    }
  }

  /** Up to `n` raw bytes (data after DOWNLOAD), possibly fewer: as many as have come. */
  take(n: number): Buffer {
    const out = Buffer.from(this.buf.subarray(0, n));
    this.buf = this.buf.subarray(out.length);
    return out;
  }

  /** Forgets everything buffered (power off: the UART is dead). */
  clear(): void {
    this.buf = Buffer.alloc(0);
    this.skipping = false;
  }
}
