import { describe, expect, it } from "vitest";
import type { Files } from "./files.ts";

/** The suite every Files implementation passes; `open` gives an empty directory. */
export function describeFilesContract(name: string, open: () => Files) {
  describe(`Files contract: ${name}`, () => {
    it("appends, reads ranges, sizes, lists and removes", () => {
      const f = open();
      expect(f.size("J0000001.TXT")).toBe(0);
      expect(f.read("J0000001.TXT", 0, 10)).toBe("");
      f.append("J0000001.TXT", "abc\n");
      f.append("J0000001.TXT", "defgh\n");
      expect(f.size("J0000001.TXT")).toBe(10);
      expect(f.read("J0000001.TXT", 2, 5)).toBe("c\ndef");
      expect(f.read("J0000001.TXT", 8, 100)).toBe("h\n");
      expect(f.read("J0000001.TXT", 10, 5)).toBe("");
      f.append("C0000001.TXT", "x");
      expect(f.list().sort()).toEqual(["C0000001.TXT", "J0000001.TXT"]);
      f.remove("C0000001.TXT");
      expect(f.list()).toEqual(["J0000001.TXT"]);
    });
  });
}
