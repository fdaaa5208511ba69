import { SerialPort } from "serialport";
import type { ByteSink } from "./byte-sink.ts";

/** Bytes to a serial device (a USB adapter, or one end of a pseudo-terminal pair) with the serialport package. */
export class SerialPortSink implements ByteSink {
  private closing: Promise<void> | undefined;
  /** the port's first error after opening (the device gone, e.g. socat ended): later writes reject with it */
  private failed: Error | undefined;

  private constructor(
    readonly path: string,
    private readonly port: SerialPort,
  ) {
    // Without a listener, an 'error' event (a read failing once the pty is gone) would end the process.
    port.on("error", (e: Error) => (this.failed ??= new Error(`serial port ${path}: ${e.message}`, { cause: e })));
  }

  /** Opens `path` at `baudRate` (8N1); rejects with an Error naming the path. */
  static open(path: string, options: { baudRate?: number } = {}): Promise<SerialPortSink> {
    return new Promise((resolve, reject) => {
      const port = new SerialPort({ path, baudRate: options.baudRate ?? 9600, autoOpen: false });
      port.open((err) => {
        if (err) reject(new Error(`cannot open serial port ${path}: ${err.message}`, { cause: err }));
        else resolve(new SerialPortSink(path, port));
      });
    });
  }

  /** Bytes from the other end (the host talking to the device). */
  onData(receive: (bytes: Uint8Array) => void): void {
    this.port.on("data", receive);
  }

  write(bytes: Uint8Array): Promise<void> {
    if (this.closing) return Promise.reject(new Error(`serial port ${this.path} is closed`));
    if (this.failed) return Promise.reject(this.failed);
    return new Promise((resolve, reject) => {
      // serialport calls back once the bytes are written to the device
      this.port.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), (err) => {
        if (err) reject(new Error(`writing to serial port ${this.path}: ${err.message}`, { cause: err }));
        else resolve();
      });
    });
  }

  close(): Promise<void> {
    this.closing ??= new Promise((resolve) => {
      if (!this.port.isOpen) return resolve();
      this.port.close(() => resolve()); // an error closing (the device gone) leaves nothing to do
    });
    return this.closing;
  }
}
