import { describe, expect, it } from "vitest";
import { runCli } from "../server-process.ts";

// Two hours of the real benchmark (the coastal day's first two, paddling): the shape, and what the presets must differ in.
describe("kayaktrack bench energy", () => {
  it("runs each preset through the simulated morning and reports its charge, fixes, delays and bytes", async () => {
    const { code, stdout, stderr } = await runCli(["bench", "energy", "--hours", "2", "--json", "--no-write"]);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain("| preset | average mA | days on 3,000 mAh |");
    const r = JSON.parse(stdout.trimEnd().split("\n").at(-1)!);
    const [live, day, expedition] = ["live", "day", "expedition"].map((p) => r.presets.find((x: { name: string }) => x.name === p));
    expect([live.modemSleep, day.modemSleep, expedition.modemSleep]).toEqual([true, false, false]);
    for (const p of [live, day, expedition]) {
      expect(p.stored, p.preset).toBeGreaterThan(0);
      expect(p.stored, p.preset).toBeLessThanOrEqual(p.kept);
      expect(p.gps + p.board + p.modem, p.preset).toBeCloseTo(1, 6);
    }
    // Paddling: the expedition keeps a fix every 100 m or so, the others every 25 m; it costs far less.
    expect(expedition.fixesPerKm).toBeLessThan(14);
    expect(live.fixesPerKm).toBeGreaterThan(25);
    expect(expedition.averageMa).toBeLessThan(live.averageMa / 2);
    expect(live.averageMa).toBeLessThan(day.averageMa);
    // The live preset uploads often enough that friends see the boat within about two minutes.
    expect(live.delayMedianS).toBeLessThan(day.delayMedianS);
    expect(live.delayWorstS).toBeLessThan(200);
    // Each preset's modem choice against the other way: asleep and registered, the live preset's sessions are shorter.
    const liveOff = r.presets.find((x: { name: string }) => x.name === "live, modem powered down between uploads");
    const expeditionAsleep = r.presets.find((x: { name: string }) => x.name === "expedition, modem asleep between uploads");
    expect(live.delayWorstS).toBeLessThan(liveOff.delayWorstS);
    expect(expedition.averageMa).toBeLessThan(expeditionAsleep.averageMa);
    expect(stdout).toMatch(/- expedition: the modem powered down between uploads, [\d.]+ mA, against [\d.]+ mA asleep \(AT\+CSCLK\): the preset's choice is the cheaper/);
  }, 120_000);
});
