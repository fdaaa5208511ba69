import { describe, expect, it } from "vitest";
import { backup, gpsSetup, powerSave } from "@kayaktrack/firmware/ublox-config";
import { simulateDay, type DayState } from "./simulate-day.ts";

/** A cut the first time `when` holds after `afterS` seconds of the trip. */
function cutOnce(afterS: number, when: (s: DayState) => boolean) {
  let done = false;
  return (s: DayState) => {
    if (done || s.tripS < afterS || !when(s)) return false;
    return (done = true);
  };
}

describe("simulateDay: the firmware's power states, in one process on one simulated clock", () => {
  it("sends each preset's own UBX and AT sequences: power save, backup and wake-ups, the modem asleep or powered down", async () => {
    const sent: Record<string, { gps: string[]; modem: string[] }> = {};
    for (const preset of ["day", "live", "expedition"]) {
      const trace = { gps: [] as string[], modem: [] as string[] };
      await simulateDay({ tracker: { preset }, durationS: 3600, trace });
      sent[preset] = trace;
    }
    const setup = gpsSetup(1000);
    expect(sent.day!.gps).toEqual(setup);
    expect(sent.live!.gps).toEqual([...setup, powerSave(true)]);
    // Expedition: after the setup, a backup request (UBX-RXM-PMREQ) after each kept fix and a byte to wake it.
    const cycle = sent.expedition!.gps.slice(setup.length);
    expect(sent.expedition!.gps.slice(0, setup.length)).toEqual(setup);
    expect(cycle.length).toBeGreaterThan(100);
    cycle.forEach((m, i) => expect(i % 2 ? m : m.slice(0, 6), `message ${i}`).toBe(i % 2 ? "\xff" : backup(0).slice(0, 6)));
    // The modem: asleep between the live preset's uploads (AT+CSCLK=1, DTR wired here), powered down between the others'.
    // Each write to the modem is one command line (or a batch's bytes after DOWNLOAD).
    const lines = (p: string) => sent[p]!.modem.map((m) => m.replace(/\r$/, ""));
    expect(lines("live")).toContain("AT+CSCLK=1");
    expect(lines("live").filter((l) => l === "AT+CPOWD=1")).toEqual([]);
    expect(lines("live").filter((l) => l === "AT+HTTPACTION=1").length).toBeGreaterThan(20);
    for (const p of ["day", "expedition"]) {
      expect(lines(p)).not.toContain("AT+CSCLK=1");
      expect(lines(p).filter((l) => l === "AT+CPOWD=1").length, p).toBe(lines(p).filter((l) => l === "AT+HTTPACTION=1").length);
    }
  }, 60_000);

  it("loses nothing journaled to a power cut in any power state: GPS in backup with the board in deep sleep, in power save, the modem asleep and mid-upload", async () => {
    const runs = [
      {
        preset: "expedition",
        hours: 3,
        cuts: [cutOnce(1800, (s) => s.gpsInBackup && s.deepSleep), cutOnce(3000, (s) => s.uploading && s.modem !== "off" && s.modem !== "asleep")],
      },
      {
        preset: "live",
        hours: 2,
        cuts: [cutOnce(600, (s) => s.gpsPowerSave && !s.uploading), cutOnce(1800, (s) => s.modem === "asleep"), cutOnce(3000, (s) => s.uploading && s.modem === "http")],
      },
    ];
    for (const run of runs) {
      const r = await simulateDay({ tracker: { preset: run.preset }, durationS: run.hours * 3600, cutWhen: (s) => run.cuts.some((cut) => cut(s)) });
      expect(r.boots, run.preset).toBe(run.cuts.length + 1);
      expect(r.journaledAtCuts, run.preset).toHaveLength(run.cuts.length);
      // Every fix on the card at a cut reached the server afterwards, and each is stored once.
      const stored = new Set(r.storedTimes);
      expect(stored.size, "no fix stored twice").toBe(r.storedTimes.length);
      for (const [i, before] of r.journaledAtCuts.entries()) {
        expect(before.length, `${run.preset}, cut ${i + 1}`).toBeGreaterThan(0);
        expect(before.filter((t) => !stored.has(t)), `${run.preset}, cut ${i + 1}: journaled, never stored`).toEqual([]);
      }
      expect(r.stored).toBeGreaterThan(r.journaledAtCuts.at(-1)!.length);
    }
  }, 60_000);
});
