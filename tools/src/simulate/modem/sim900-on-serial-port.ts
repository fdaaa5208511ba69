import { openSerialLink, type SerialLink } from "../serial/serial-link.ts";
import { Sim900Emulator, type Sim900EmulatorOptions } from "./sim900-emulator.ts";

export interface Sim900OnSerialPort {
  emulator: Sim900Emulator;
  link: SerialLink;
  /** Stops the emulator and closes the port; safe to call twice. */
  close(): Promise<void>;
}

/**
 * The emulated SIM900 on a serial device, typically one end of a socat
 * pseudo-terminal pair (openPtyPair): the host program opens the other end as
 * it would the module's UART. PWRKEY is not on the serial line: call
 * emulator.powerKey() from the host's pin, or use startOn.
 */
export async function sim900OnSerialPort(
  path: string,
  options: Omit<Sim900EmulatorOptions, "io"> & { baudRate?: number },
): Promise<Sim900OnSerialPort> {
  let emulator: Sim900Emulator | undefined;
  const link = await openSerialLink(path, (chunk) => emulator?.feed(chunk), {
    baudRate: options.baudRate ?? 115_200,
    ...(options.onError && { onError: options.onError }),
  });
  emulator = new Sim900Emulator({ ...options, io: link.io });
  let closing: Promise<void> | undefined;
  return {
    emulator,
    link,
    close() {
      closing ??= (emulator!.close(), link.close());
      return closing;
    },
  };
}
