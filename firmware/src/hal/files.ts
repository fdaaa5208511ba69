/**
 * The file operations the journal needs, given to it rather than taken from
 * globals (ECMA-419 style): E.openFile/require("fs") on the board, node:fs on a
 * laptop, memory in tests. Names are plain file names in one directory.
 */
export interface Files {
  /** appends all of `data`, or throws */
  append(name: string, data: string): void;
  /** up to `length` characters from `offset` ("" past the end) */
  read(name: string, offset: number, length: number): string;
  /** bytes in the file, 0 when it does not exist */
  size(name: string): number;
  /** the names of the files there */
  list(): string[];
  remove(name: string): void;
}

/** Files in memory, for tests; `cut` makes the next append stop part-way, like a power cut. */
export class MemoryFiles implements Files {
  readonly data: Record<string, string> = {};
  /** when set, the next append writes only this many characters and then throws */
  cut: number | undefined;

  append(name: string, data: string): void {
    const old = this.data[name] ?? "";
    if (this.cut !== undefined) {
      const n = this.cut;
      this.cut = undefined;
      this.data[name] = old + data.substring(0, n);
      throw new Error("power cut");
    }
    this.data[name] = old + data;
  }
  read(name: string, offset: number, length: number): string {
    return (this.data[name] ?? "").substring(offset, offset + length);
  }
  size(name: string): number {
    return (this.data[name] ?? "").length;
  }
  list(): string[] {
    return Object.keys(this.data);
  }
  remove(name: string): void {
    delete this.data[name];
  }
}
