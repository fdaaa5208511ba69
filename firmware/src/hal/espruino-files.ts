import type { Files } from "./files.ts";

// Espruino's file API: E.openFile, and require("fs") for listing, sizes and removal
// (on the board they reach the SD card once E.connectSDCard has run).
interface EspruinoFile {
  write(data: string): void;
  read(length: number): string | undefined;
  seek(position: number): void;
  close(): void;
}
declare const E: { openFile(path: string, mode: "r" | "w" | "a"): EspruinoFile };
declare const global: { require: (name: string) => EspruinoFs };
interface EspruinoFs {
  readdirSync(path: string): string[] | undefined;
  statSync(path: string): { size: number } | undefined;
  unlinkSync(path: string): boolean;
}

/** Files on Espruino, in one directory of the card ("" for its root). */
export class EspruinoFiles implements Files {
  private readonly fs: EspruinoFs;

  constructor(private readonly dir: string) {
    // Through global: a literal require("fs") would make the bundler look for a Node module.
    this.fs = global.require("fs");
  }

  private path(name: string): string {
    return this.dir ? this.dir + "/" + name : name;
  }

  append(name: string, data: string): void {
    const f = E.openFile(this.path(name), "a");
    try {
      f.write(data);
    } finally {
      f.close();
    }
  }

  read(name: string, offset: number, length: number): string {
    if (this.size(name) <= offset) return "";
    const f = E.openFile(this.path(name), "r");
    try {
      f.seek(offset);
      return f.read(length) || "";
    } finally {
      f.close();
    }
  }

  size(name: string): number {
    const s = this.fs.statSync(this.path(name));
    return s ? s.size : 0;
  }

  list(): string[] {
    const names = this.fs.readdirSync(this.dir || ".") || [];
    return names.filter((n) => n !== "." && n !== "..");
  }

  remove(name: string): void {
    this.fs.unlinkSync(this.path(name));
  }
}
