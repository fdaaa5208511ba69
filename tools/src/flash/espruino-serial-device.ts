import { createRequire } from "node:module";

/** A serial provider as EspruinoTools' core/serial.js expects them in Espruino.Core.Serial.devices. */
export interface SerialDevice {
  name: string;
  getPorts(done: (ports: { path: string; description?: string }[], instantPorts: boolean) => void): void;
  open(path: string, opened: (info: unknown) => void, received: (data: ArrayBuffer) => void, closed: () => void): void;
  write(data: string, done: () => void): void;
  close(): void;
}

interface SerialPortLike {
  on(event: "data", cb: (data: Buffer) => void): void;
  on(event: "close", cb: () => void): void;
  on(event: "error", cb: (e: Error) => void): void;
  open(cb: (e: Error | null) => void): void;
  write(data: Buffer, cb: () => void): void;
  close(cb?: () => void): void;
  isOpen: boolean;
}

/**
 * The one port `--port` names, for EspruinoTools, through the serialport
 * package it depends on. Unlike its own core/serial_node_serial.js this does
 * not enumerate ports (so a pseudo-terminal or a /dev/serial/by-id link
 * works) and reports an open failure instead of crashing on an unhandled
 * 'error' event.
 */
export function espruinoSerialDevice(port: string, baudRate: number): SerialDevice & { error: Error | undefined } {
  // serialport is EspruinoTools' dependency: resolve it from there, at the version it was made for.
  const { SerialPort } = createRequire(createRequire(import.meta.url).resolve("espruino"))("serialport") as {
    SerialPort: new (o: { path: string; baudRate: number; autoOpen: boolean }) => SerialPortLike;
  };
  let sp: SerialPortLike | undefined;
  const device = {
    name: "kayaktrack --port",
    error: undefined as Error | undefined,
    getPorts(done: Parameters<SerialDevice["getPorts"]>[0]) {
      done([{ path: port, description: "kayaktrack --port" }], true);
    },
    open(path: string, opened: (info: unknown) => void, received: (data: ArrayBuffer) => void, closed: () => void) {
      const p = new SerialPort({ path, baudRate, autoOpen: false });
      sp = p;
      p.on("data", (data) => received(new Uint8Array(data).buffer));
      p.on("error", (e) => {
        device.error ??= e;
      });
      p.open((e) => {
        if (e) {
          device.error = e;
          opened(undefined);
          return;
        }
        p.on("close", closed);
        opened({ portName: path });
      });
    },
    write(data: string, done: () => void) {
      // One byte per character code, as the tools build their strings.
      if (!sp?.isOpen) return done();
      sp.write(Buffer.from(data, "latin1"), done);
    },
    close() {
      sp?.close();
    },
  };
  return device;
}
