import { describe, expect, it } from "vitest";
import { MemoryFiles } from "../hal/files.ts";
import { SimClock } from "../hal/sim-clock.ts";
import { TestButton } from "../testing/test-hardware.ts";
import { SOS_CANCELLED, SOS_NONE, SOS_ON } from "../wire/batch.ts";
import { HoldButton } from "./hold-button.ts";
import { Sos, SOS_FILE } from "./sos.ts";

describe("HoldButton", () => {
  it("counts a press held 3 s once, a shorter one never, and closes its button once", async () => {
    const clock = new SimClock();
    const button = new TestButton();
    let holds = 0;
    const hold = new HoldButton({ button, clock, holdMs: 3000, onHold: () => holds++ });
    button.set(true);
    await clock.run(2999);
    button.set(false);
    await clock.run(10_000);
    expect(holds).toBe(0);
    button.set(true);
    await clock.run(3000);
    expect(holds).toBe(1);
    await clock.run(20_000); // still held: one hold
    button.set(false);
    expect(holds).toBe(1);
    // A bounce (press, release, press) starts the count again.
    button.set(true);
    await clock.run(2000);
    button.set(false);
    button.set(true);
    await clock.run(2000);
    expect(holds).toBe(1);
    await clock.run(1000);
    expect(holds).toBe(2);
    hold.close();
    hold.close();
    expect(button.closed).toBe(1);
  });
});

describe("Sos", () => {
  const setup = (files = new MemoryFiles(), clock = new SimClock()) => {
    const reports: number[] = [];
    const changes: number[] = [];
    const sos: Sos = new Sos({ files, clock, repeatMs: 120_000, report: () => reports.push(clock.uptime()), onChange: (s) => changes.push(s) });
    return { sos, files, clock, reports, changes };
  };

  it("raises, reports at once and every 2 minutes while it stands, cancels, and ends once the cancel is told", async () => {
    const { sos, files, clock, reports, changes } = setup();
    expect(sos.state).toBe(SOS_NONE);
    sos.toggle();
    expect(sos.state).toBe(SOS_ON);
    await clock.run(5 * 60_000);
    expect(reports).toEqual([0, 120_000, 240_000]);
    expect(sos.sent).toBe(false);
    sos.told(SOS_ON); // the server has it; an SOS stands until the paddler ends it
    expect([sos.state, sos.sent]).toEqual([SOS_ON, true]);
    sos.toggle();
    expect(sos.state).toBe(SOS_CANCELLED);
    await clock.run(10 * 60_000);
    expect(reports).toEqual([0, 120_000, 240_000, 300_000]);
    sos.told(SOS_ON); // an older batch's acknowledgement tells nothing of the cancel
    expect(sos.state).toBe(SOS_CANCELLED);
    sos.told(SOS_CANCELLED);
    expect(sos.state).toBe(SOS_NONE);
    expect(changes).toEqual([SOS_ON, SOS_ON, SOS_CANCELLED, SOS_NONE]);
    expect(files.data[SOS_FILE]).toBe("1\n2\n0\n");
  });

  it("survives a power cut: a standing SOS or an untold cancel is read back from the card, a torn last line passed over", async () => {
    const files = new MemoryFiles();
    const first = setup(files);
    first.sos.toggle();
    first.sos.close();
    const again = setup(files);
    expect(again.sos.state).toBe(SOS_ON);
    await again.clock.run(120_000);
    expect(again.reports).toEqual([120_000]);
    again.sos.toggle();
    again.sos.close();
    // The power goes as the next line is written.
    files.data[SOS_FILE] += "0";
    expect(setup(files).sos.state).toBe(SOS_CANCELLED);
  });

  it("only ever appends (no moment without the state on the card), and reads it back from the file's end", () => {
    const { sos, files } = setup();
    for (let i = 0; i < 1000; i++) sos.toggle();
    expect(files.data[SOS_FILE]!.length).toBe(2000);
    expect(sos.state).toBe(SOS_CANCELLED);
    expect(setup(files).sos.state).toBe(SOS_CANCELLED);
  });

  it("still reports when the card refuses the change", () => {
    const files = new MemoryFiles();
    files.append = () => {
      throw new Error("card gone");
    };
    const { sos, reports } = setup(files);
    sos.toggle();
    expect([sos.state, reports.length]).toEqual([SOS_ON, 1]);
  });
});
