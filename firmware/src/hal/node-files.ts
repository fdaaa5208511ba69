import { appendFileSync, closeSync, mkdirSync, openSync, readdirSync, readSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Files } from "./files.ts";

/** Files on a laptop: the simulator's SD card is a directory. Text is latin1, one byte per character, as on the card. */
export class NodeFiles implements Files {
  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  append(name: string, data: string): void {
    appendFileSync(join(this.dir, name), data, "latin1");
  }

  read(name: string, offset: number, length: number): string {
    if (this.size(name) <= offset) return "";
    const fd = openSync(join(this.dir, name), "r");
    try {
      const buf = Buffer.alloc(length);
      const n = readSync(fd, buf, 0, length, offset);
      return buf.toString("latin1", 0, n);
    } finally {
      closeSync(fd);
    }
  }

  size(name: string): number {
    try {
      return statSync(join(this.dir, name)).size;
    } catch {
      return 0;
    }
  }

  list(): string[] {
    return readdirSync(this.dir);
  }

  remove(name: string): void {
    rmSync(join(this.dir, name), { force: true });
  }
}
