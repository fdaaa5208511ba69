import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO } from "../../server-process.ts";
import { loadRoute } from "./load-route.ts";

describe("loadRoute", () => {
  it("loads a GPX file or a built-in trip, the lake loop by default", async () => {
    const gpx = await loadRoute({ gpx: join(REPO, "ingest/src/import/testdata/no-times.gpx"), start: 1000, seed: 2 });
    expect(gpx).toMatchObject({ name: "no-times.gpx", start: 1000 });
    expect((await loadRoute({ synthetic: "coastal-day", seed: 2, duration: 600 })).end - 1725697800).toBe(600);
    expect((await loadRoute({})).name).toBe("lake-loop");
  });

  it("says what is wrong with the choice", async () => {
    await expect(loadRoute({ gpx: "x.gpx", synthetic: "lake-loop" })).rejects.toThrow(/not both/);
    await expect(loadRoute({ gpx: "/nonexistent.gpx" })).rejects.toThrow(/ENOENT/);
    await expect(loadRoute({ synthetic: "ocean" })).rejects.toThrow(/choose one of/);
  });
});
