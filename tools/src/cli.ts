import { Command, CommanderError } from "commander";
import { deviceAdd, deviceList, deviceRevoke } from "./commands/device.ts";
import { serve } from "./commands/serve.ts";
import { demo } from "./commands/demo.ts";
import { exportCommand } from "./commands/export.ts";
import { importCommand } from "./commands/import.ts";
import { shareCreate, shareList, shareRevoke } from "./commands/share.ts";


/** Builds the `kayaktrack` command line; later tools add subcommands here. */
export function buildCli(): Command {
  const program = new Command("kayaktrack")
    .description("kayaktrack: an open GPS trip tracker for kayaks")
    .showHelpAfterError()
    .exitOverride();

  program
    .command("serve")
    .description("run the ingest service (env PORT, HOST, KAYAKTRACK_DB, KAYAKTRACK_ADMIN_TOKEN, KAYAKTRACK_PUBLIC_URL)")
    .option("--port <port>", "TCP port (default 8080, 0 picks a free one)")
    .option("--host <host>", "address to listen on (default 0.0.0.0)")
    .option("--db <path>", "SQLite database (default ./data/kayaktrack.db)")
    .action(async (o) => {
      await serve(o);
    });

  const device = program.command("device").description("manage tracker devices and their tokens");
  device
    .command("add <name>")
    .description("add a device and print its id and token (shown once)")
    .option("--json", 'print only {"id", "token"}')
    .option("--db <path>", "SQLite database (default ./data/kayaktrack.db)")
    .action((name, o) => deviceAdd(name, o));
  device
    .command("list")
    .description("list devices with their latest position")
    .option("--json", "print JSON")
    .option("--db <path>", "SQLite database (default ./data/kayaktrack.db)")
    .action((o) => deviceList(o));
  device
    .command("revoke <id>")
    .description("revoke a device's token (its fixes are kept)")
    .option("--db <path>", "SQLite database (default ./data/kayaktrack.db)")
    .action((id, o) => deviceRevoke(id, o));

  program
    .command("export")
    .description("write a device's fixes, one trip or a time range, to standard output")
    .requiredOption("--device <id>", "device id")
    .option("--trip <id>", "only this trip (see GET /api/v1/devices/ID/trips)")
    .option("--from <time>", "from this time (ISO 8601 or epoch seconds)")
    .option("--to <time>", "up to this time")
    .requiredOption("--format <format>", "gpx, geojson, kml or csv")
    .option("--db <path>", "SQLite database (default ./data/kayaktrack.db)")
    .action(async (o) => {
      await exportCommand(o);
    });

  program
    .command("import <files...>")
    .description("import GPX, NMEA or SD journal files into a device's track (each file whole or not at all)")
    .requiredOption("--device <id>", "device id")
    .option("--format <format>", "gpx, nmea or journal (default: from the file name or content)")
    .option("--start <time>", "for GPX without times: the first point's time, the next one second later each")
    .option("--json", "print the results as JSON")
    .option("--db <path>", "SQLite database (default ./data/kayaktrack.db)")
    .action(async (files, o) => {
      await importCommand(files, o);
    });

  const share = program.command("share").description("read-only links to a trip or a device's position");
  share
    .command("create")
    .description("make a share link (the map opens it at /s/TOKEN without a login)")
    .option("--trip <id>", "share this trip")
    .option("--device <id>", "share this device's position and recent track")
    .option("--expires <duration>", "stop working after this long, e.g. 7d")
    .option("--delay <duration>", "hide the newest fixes, e.g. 15m")
    .option("--url <base>", "the address people open (default KAYAKTRACK_PUBLIC_URL or http://localhost:8080)")
    .option("--json", 'print only {"token", "url"}')
    .option("--db <path>", "SQLite database (default ./data/kayaktrack.db)")
    .action((o) => shareCreate(o));
  share
    .command("list")
    .description("list share links (tokens are never shown again)")
    .option("--json", "print JSON")
    .option("--db <path>", "SQLite database (default ./data/kayaktrack.db)")
    .action((o) => shareList(o));
  share
    .command("revoke <id>")
    .description("revoke a share link")
    .option("--db <path>", "SQLite database (default ./data/kayaktrack.db)")
    .action((shareId, o) => shareRevoke(shareId, o));

  program
    .command("demo")
    .description("start the ingest service with a demo device under ./data/demo")
    .option("--port <port>", "TCP port (default 8080)")
    .action(async (o) => {
      await demo(o);
    });

  const bench = program.command("bench").description("benchmarks; figures go to docs/BENCHMARKS.md");
  bench
    .command("ingest")
    .description("100 simulated devices posting 60-fix batches to a real server, then one-fix OwnTracks and OsmAnd traffic")
    .option("--devices <n>", "concurrent devices", "100")
    .option("--seconds <s>", "duration of the batch phase", "20")
    .option("--single-seconds <s>", "duration of each one-fix phase", "10")
    .option("--json", "print a JSON object as the last line")
    .option("--no-write", "do not update docs/BENCHMARKS.md")
    .option("--cpu-prof <dir>", "write CPU profiles of the server's threads (open them in Chrome DevTools)")
    .action(async (o) => {
      const { benchIngest } = await import("./bench/ingest-bench.ts");
      await benchIngest(o);
    });

  bench
    .command("trips")
    .description("a device with 1,000,000 fixes: list its trips and export the largest")
    .option("--fixes <n>", "fixes of the device", "1000000")
    .option("--json", "print a JSON object as the last line")
    .option("--no-write", "do not update docs/BENCHMARKS.md")
    .action(async (o) => {
      const { benchTrips } = await import("./bench/trips-bench.ts");
      await benchTrips(o);
    });

  bench
    .command("wire [gpx...]")
    .description("bytes per fix of the batch format beside OsmAnd and OwnTracks")
    .option("--json", "one JSON object per line and track")
    .option("--no-write", "do not update docs/BENCHMARKS.md")
    .action(async (files: string[], o) => {
      const { benchWire } = await import("./bench/wire-bench.ts");
      benchWire(files, o);
    });

  bench
    .command("parse")
    .description("NMEA sentences per second, full parser beside a naive GGA-only one (ESPRUINO_BIN: also on the interpreter)")
    .option("--json", "print a JSON object as the last line")
    .option("--no-write", "do not update docs/BENCHMARKS.md")
    .action(async (o) => {
      const { benchParse } = await import("./bench/parse-bench.ts");
      await benchParse(o);
    });

  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildCli().parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) process.exit(e.exitCode);
    process.stderr.write(`kayaktrack: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  }
}
