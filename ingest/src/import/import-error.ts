/** A file that cannot be imported; the message says why and where. Nothing of it is stored. */
export class ImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ImportError";
  }
}

/** What a parser made of a file: fixes in file order, and what it skipped and why. */
export interface ParsedFile<F> {
  fixes: F[];
  /** counts by reason, e.g. {"bad checksum": 3} */
  skipped: Record<string, number>;
}
