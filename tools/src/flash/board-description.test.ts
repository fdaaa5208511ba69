import { describe, expect, it } from "vitest";
import { boardDescription, storageBytes } from "./board-description.ts";
import { Refusal } from "./refusal.ts";

describe("boardDescription", () => {
  it("reads the Pico: 3 pages of 16 KB saved code (boards/PICO_R1_3.py), reported as PICO_R1_3", () => {
    const b = boardDescription("PICO");
    expect(b).toMatchObject({ name: "PICO", id: "PICO_R1_3", title: "Espruino Pico", savedCodeBytes: 48 * 1024 });
    expect(b.builtinModules).toContain("fs");
    expect(b.json.info.variables).toBe(5100);
  });

  it("reads the Original: 10 pages of 2 KB (boards/ESPRUINOBOARD.py), by name or by Espruino id, any case", () => {
    expect(boardDescription("original")).toMatchObject({ name: "ORIGINAL", id: "ESPRUINOBOARD", savedCodeBytes: 20 * 1024 });
    expect(boardDescription("ESPRUINOBOARD").name).toBe("ORIGINAL");
  });

  it("refuses other boards, naming the ones it knows", () => {
    expect(() => boardDescription("ESP32")).toThrow(Refusal);
    expect(() => boardDescription("ESP32")).toThrow("unknown board 'ESP32': kayaktrack flashes PICO or ORIGINAL");
  });
});

describe("storageBytes", () => {
  it("adds the 32-byte file header and rounds the data up to whole words", () => {
    expect(storageBytes(0)).toBe(32);
    expect(storageBytes(1)).toBe(36);
    expect(storageBytes(4)).toBe(36);
    expect(storageBytes(24676)).toBe(32 + 24676);
    expect(storageBytes(24677)).toBe(32 + 24680);
  });
});
