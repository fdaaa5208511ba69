import { closeSync, existsSync, openSync, readFileSync, writeSync } from "node:fs";

/**
 * A record of what the firmware read from its GPS (`run-firmware --record-gps
 * FILE`): FILE holds a `#` line, as gpsd's logs start, with the time the
 * tracker's clock had at boot (the date it assumes until the GPS gives one),
 * then every byte read. FILE.chunks holds each read's length, a line each, so a
 * replay can cut the bytes as the firmware got them.
 */
export interface GpsRecord {
  /** epoch ms */
  bootedAt: number;
  chunks: string[];
}

const HEADER = /^# kayaktrack run-firmware: booted at (\S+)\n/;

/**
 * Records every chunk from `port` before its receiver sees it (synchronously,
 * so a kill never leaves a fix that the record does not explain). A failed
 * write ends the recording, not the firmware.
 */
export function recordGps(
  port: { onData(receive: (chunk: string) => void): void },
  file: string,
  bootedAt: number,
  log: (message: string) => void,
): void {
  let data: number | undefined = openSync(file, "w");
  let lengths: number | undefined = openSync(file + ".chunks", "w");
  const writeAll = (fd: number, text: string) => {
    const bytes = Buffer.from(text, "latin1");
    for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at);
  };
  const stop = (e: unknown) => {
    log(`kayaktrack: recording the GPS in ${file} stopped: ${(e as Error).message}`);
    for (const fd of [data, lengths]) if (fd !== undefined) closeSync(fd);
    data = lengths = undefined;
  };
  try {
    writeAll(data, `# kayaktrack run-firmware: booted at ${new Date(bootedAt).toISOString()}\n`);
  } catch (e) {
    stop(e);
  }
  const onData = port.onData.bind(port);
  port.onData = (receive) =>
    onData((chunk) => {
      if (data !== undefined && lengths !== undefined) {
        try {
          writeAll(data, chunk);
          writeAll(lengths, `${chunk.length}\n`);
        } catch (e) {
          stop(e);
        }
      }
      receive(chunk);
    });
}

/** Reads a record back; bytes past the last length written (a kill between the two writes) are one last chunk. */
export function readGpsRecord(file: string): GpsRecord {
  const text = readFileSync(file, "latin1");
  const header = HEADER.exec(text);
  if (!header) throw new Error(`${file}: not a record of run-firmware --record-gps`);
  const body = text.slice(header[0].length);
  const lengths = existsSync(file + ".chunks") ? readFileSync(file + ".chunks", "latin1").split("\n").filter(Boolean).map(Number) : [];
  const chunks: string[] = [];
  let at = 0;
  for (const n of lengths) {
    chunks.push(body.slice(at, at + n));
    at += n;
  }
  if (at < body.length) chunks.push(body.slice(at));
  return { bootedAt: Date.parse(header[1]!), chunks };
}
