import type { ParsedFile } from "./import-error.ts";

/** A parser fed a file's text in pieces as it arrives, so that no file need be whole in memory. */
export interface TextParser<F = unknown> {
  write(text: string): void;
  /** What the file held; throws ImportError when it cannot be imported. */
  finish(): ParsedFile<F>;
}
