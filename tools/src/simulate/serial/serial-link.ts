import { SerialPort } from "serialport";

/** One open serial device: bytes out through io.write, bytes in to the onData given to openSerialLink. */
export interface SerialLink {
  readonly path: string;
  /** Queues all of `data` for the device (a string as latin1: one byte per char); throws once closed. */
  readonly io: { write(data: Buffer | string): void };
  /** Resolves when everything written so far has gone to the device. */
  drain(): Promise<void>;
  /** Closes the device; safe to call twice. */
  close(): Promise<void>;
}

export interface SerialLinkOptions {
  /** 8N1 at this rate (default 115200; a pseudo-terminal ignores it) */
  baudRate?: number;
  /** a write failed after it was queued (the device went away) */
  onError?: (error: Error) => void;
}

/**
 * Opens a serial device (a USB adapter, or one end of a pseudo-terminal pair)
 * with the serialport package. Binary-safe both ways: data is never decoded
 * as text.
 */
export function openSerialLink(path: string, onData: (chunk: Buffer) => void, options: SerialLinkOptions = {}): Promise<SerialLink> {
  return new Promise((resolve, reject) => {
    const port = new SerialPort({ path, baudRate: options.baudRate ?? 115_200, autoOpen: false });
    port.open((err) => {
      if (err) return reject(new Error(`cannot open serial port ${path}: ${err.message}`, { cause: err }));
      port.on("data", (chunk: Buffer) => onData(chunk));
      // Errors not tied to a write's callback (the device gone) must not be thrown from the stream.
      port.on("error", (e: Error) => options.onError?.(new Error(`serial port ${path}: ${e.message}`, { cause: e })));
      let closing: Promise<void> | undefined;
      resolve({
        path,
        io: {
          write(data) {
            if (closing || !port.isOpen) throw new Error(`serial port ${path} is closed`);
            port.write(typeof data === "string" ? Buffer.from(data, "latin1") : data, (e) => {
              if (e) options.onError?.(new Error(`writing to serial port ${path}: ${e.message}`, { cause: e }));
            });
          },
        },
        drain: () => new Promise<void>((done) => (port.isOpen ? port.drain(() => done()) : done())),
        close() {
          closing ??= new Promise<void>((done) => {
            if (!port.isOpen) return done();
            port.close(() => done()); // an error closing (the device gone) leaves nothing to do
          });
          return closing;
        },
      });
    });
  });
}
