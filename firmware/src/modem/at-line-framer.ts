/**
 * The SIM900's serial output cut into what the AT layer reads: lines (CR LF
 * framed, empty ones skipped), the `>` prompt (sent without a line end), and
 * length-delimited payloads (`+HTTPREAD: <n>` is followed by exactly n bytes,
 * which may contain line ends; SIM900 IP Application Note, AT+HTTPREAD).
 */
export interface AtFrameHandler {
  line(text: string): void;
  prompt(): void;
  payload(data: string): void;
}

export class AtLineFramer {
  private buf = "";
  /** bytes of a payload still to come */
  private owed = 0;
  private payloadBuf = "";

  constructor(private readonly on: AtFrameHandler) {}

  feed(chunk: string): void {
    let data = chunk;
    while (data.length > 0) {
      if (this.owed > 0) {
        const take = data.substring(0, this.owed);
        this.payloadBuf += take;
        this.owed -= take.length;
        data = data.substring(take.length);
        if (this.owed === 0) {
          const p = this.payloadBuf;
          this.payloadBuf = "";
          this.on.payload(p);
        }
        continue;
      }
      const nl = data.indexOf("\n");
      if (nl < 0) {
        this.buf += data;
        // The prompt comes alone, without a line end (">" then a space).
        if (this.buf === "> " || this.buf === ">") {
          this.buf = "";
          this.on.prompt();
        }
        return;
      }
      let text = this.buf + data.substring(0, nl);
      this.buf = "";
      data = data.substring(nl + 1);
      // An echo ends in CR CR LF (the command's own CR, then the response's CR LF).
      while (text.charAt(text.length - 1) === "\r") text = text.substring(0, text.length - 1);
      if (text === "") continue;
      this.on.line(text);
      const m = /^\+HTTPREAD: *(\d+)$/.exec(text); // no "?" in Espruino regular expressions
      if (m) this.owed = parseInt(m[1]!, 10);
    }
  }
}
