/** Where a simulated device's bytes go: a serial port, or anything else that takes bytes in order. */
export interface ByteSink {
  /** Resolves once all of `bytes` is written; rejects with an Error otherwise. */
  write(bytes: Uint8Array): Promise<void>;
  /** Safe to call twice. */
  close(): Promise<void>;
}
