import { Command, CommanderError } from "commander";
import { runFirmware } from "./commands/run-firmware.ts";
import { reliabilityCommand } from "./commands/reliability.ts";
import { simulateCommand } from "./commands/simulate.ts";
import { deviceAdd, deviceList, deviceRevoke, deviceSet } from "./commands/device.ts";
import { serve } from "./commands/serve.ts";
import { demo } from "./commands/demo.ts";
import { exportCommand } from "./commands/export.ts";
import { importCommand } from "./commands/import.ts";
import { shareCreate, shareList, shareRevoke } from "./commands/share.ts";
import { alertAck, alertClear, alertList, contactAdd, contactList, contactRemove } from "./commands/alert.ts";
import { alertRulesCommand, tripPlanCommand } from "./commands/alert-rules.ts";
import { migrateCommand } from "./commands/migrate.ts";
import { copyCommand } from "./commands/copy.ts";
import { flashCommand } from "./commands/flash.ts";
import { tripSettingFlags, tripSettingsCommand } from "./commands/trips.ts";


/** Builds the `kayaktrack` command line; later tools add subcommands here. */
export function buildCli(): Command {
  const program = new Command("kayaktrack")
    .description("kayaktrack: an open GPS trip tracker for kayaks")
    .showHelpAfterError()
    .exitOverride();

  program
    .command("serve")
    .description("run the ingest service (env PORT, HOST, KAYAKTRACK_DB, KAYAKTRACK_ADMIN_TOKEN, KAYAKTRACK_PUBLIC_URL, KAYAKTRACK_SMTP_URL, KAYAKTRACK_MAIL_FROM)")
    .option("--port <port>", "TCP port (default 8080, 0 picks a free one)")
    .option("--host <host>", "address to listen on (default 0.0.0.0)")
    .option("--db <path>", "SQLite database (default ./data/kayaktrack.db)")
    .action(async (o) => {
      await serve(o);
    });

  program
    .command("migrate")
    .description("bring a database's schema up to date: a SQLite file, or PostgreSQL (postgres://USER:PASS@HOST:PORT/DB)")
    .option("--db <path-or-url>", "SQLite file (default ./data/kayaktrack.db) or a postgres:// URL (env KAYAKTRACK_DB)")
    .action(async (o) => {
      await migrateCommand(o);
    });

  program
    .command("copy")
    .description("copy a SQLite database into PostgreSQL, ids kept (resumable: run it again after an interruption)")
    .option("--from <path>", "the SQLite file (default ./data/kayaktrack.db)")
    .requiredOption("--to <url>", "the PostgreSQL database, postgres://USER:PASS@HOST:PORT/DB")
    .option("--json", "print the counts as JSON")
    .action(async (o) => {
      await copyCommand(o);
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
  device
    .command("set <id>")
    .description("upload intervals sent to a kayaktrack tracker with each acknowledgement; an OwnTracks phone's encryption key")
    .option("--upload-every <duration>", "upload at least this often (60 s to 24 h; 300, 5m, 1h)")
    .option("--upload-after <fixes>", "upload once this many fixes are pending (1 to 10000)")
    .option("--clear", "let the tracker use its own intervals")
    .option("--owntracks-key <key>", "the OwnTracks app's secret encryption key, to open its encrypted messages")
    .option("--no-owntracks-key", "forget the OwnTracks key")
    .option("--db <path>", "SQLite database (default ./data/kayaktrack.db)")
    .action((id, o) => deviceSet(id, o));

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

  const trip = program.command("trip").description("a trip ahead: when the paddler means to be back");
  trip
    .command("plan")
    .description("overdue if the boat is not back ashore by this time (its contacts are told)")
    .requiredOption("--device <id>", "device id")
    .option("--return <time>", "18:00 (the next one, here) or an ISO 8601 time")
    .option("--route <file>", "the planned route, a GPX file, shown on the map")
    .option("--cancel", "drop the plan")
    .option("--db <path>", "SQLite database (default ./data/kayaktrack.db)")
    .action((o) => tripPlanCommand(o));

  const trips = program.command("trips").description("how a device's fixes are split into trips");
  const tripSettings = trips
    .command("settings")
    .description("show the trip thresholds, or set some (durations take s, m or h; distances are metres; speeds m/s)");
  for (const f of tripSettingFlags) tripSettings.option(f.flag, f.help);
  tripSettings
    .option("--reset", "back to the defaults")
    .option("--json", "print the thresholds as JSON (seconds, metres, m/s)")
    .option("--db <path>", "SQLite database (default ./data/kayaktrack.db)")
    .action((o) => tripSettingsCommand(o));

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

  const alert = program.command("alert").description("a device's alerts (an SOS) and the contacts who are told of them");
  const contact = alert.command("contact").description("who hears of a device's alerts: a webhook, an e-mail address or an ntfy topic");
  contact
    .command("add")
    .description("add a contact to a device (a webhook's signing secret is shown once)")
    .requiredOption("--device <id>", "device id")
    .option("--webhook <url>", "POST the alert as signed JSON to this URL")
    .option("--email <address>", "e-mail this address (the server needs KAYAKTRACK_SMTP_URL)")
    .option("--ntfy <url>", "publish to this ntfy topic, e.g. https://ntfy.sh/kari-kayak")
    .option("--name <name>", "who this is, for the list")
    .option("--json", "print the contact as JSON")
    .option("--db <path>", "SQLite database (default ./data/kayaktrack.db)")
    .action((o) => contactAdd(o));
  contact
    .command("list")
    .description("list a device's contacts")
    .requiredOption("--device <id>", "device id")
    .option("--json", "print JSON")
    .option("--db <path>", "SQLite database (default ./data/kayaktrack.db)")
    .action((o) => contactList(o));
  contact
    .command("remove <id>")
    .description("remove a contact (what was not sent to it yet is dropped)")
    .option("--db <path>", "SQLite database (default ./data/kayaktrack.db)")
    .action((contactId, o) => contactRemove(contactId, o));
  alert
    .command("list")
    .description("a device's alerts, newest first, with how many notifications went out")
    .requiredOption("--device <id>", "device id")
    .option("--json", "print JSON")
    .option("--db <path>", "SQLite database (default ./data/kayaktrack.db)")
    .action((o) => alertList(o));
  alert
    .command("rules")
    .description("show a device's alert rules, or change some: overdue, still on the water, leaving an area")
    .requiredOption("--device <id>", "device id")
    .option("--overdue <time>", "overdue after no upload for this long while on the water, e.g. 45m")
    .option("--no-overdue", "stop watching for overdue (a planned return still counts)")
    .option("--still <time>", "alert after no movement beyond --still-radius for this long on the water, e.g. 15m")
    .option("--still-radius <metres>", "how far counts as movement (default 50)")
    .option("--no-still", "stop watching for stillness")
    .option("--area <lat,lon,metres>", "alert when the boat leaves this circle")
    .option("--area-gpx <file>", "alert when the boat leaves this polygon (a GPX route or track, closed on itself)")
    .option("--no-area", "stop watching an area")
    .option("--json", "print the rules as JSON")
    .option("--db <path>", "SQLite database (default ./data/kayaktrack.db)")
    .action((o) => alertRulesCommand(o));
  alert
    .command("ack <id>")
    .description("acknowledge an alert: someone is on it")
    .option("--db <path>", "SQLite database (default ./data/kayaktrack.db)")
    .action((alertId, o) => alertAck(alertId, o));
  alert
    .command("clear <id>")
    .description("clear an alert (a phone's SOS has no cancel of its own); its contacts are told")
    .option("--db <path>", "SQLite database (default ./data/kayaktrack.db)")
    .action((alertId, o) => alertClear(alertId, o));

  program
    .command("demo")
    .description("the ingest service with a demo device under ./data/demo, and a simulated trip through firmware and modem to it")
    .option("--port <port>", "TCP port (default 8080)")
    .option("--speedup <n>", "simulated seconds per real second (10)")
    .option("--synthetic <name>", "the built-in trip: lake-loop (default) or coastal-day")
    .action(async (o) => {
      await demo(o);
    });

  program
    .command("simulate")
    .description("a simulated trip: NMEA on a pseudo-terminal → the firmware → SIM900 emulator → the ingest service")
    .option("--synthetic <name>", "a built-in trip: lake-loop (default) or coastal-day")
    .option("--route <file.gpx>", "paddle a GPX track or route instead")
    .option("--duration <time>", "how much of the trip, e.g. 2h or 45m")
    .option("--rate <hz>", "GPS fixes a second (1)")
    .option("--speedup <n>", "simulated seconds per real second (60)")
    .option("--seed <n>", "the same seed gives the same trip (1)")
    .option("--server <url>", "the ingest service, e.g. http://127.0.0.1:8080")
    .option("--device <id>", "the device id (kayaktrack device add NAME --json)")
    .option("--token <token>", "the device's token")
    .option("--uplink <kind>", "modem (the SIM900 emulator, default) or http (straight to the server)")
    .option("--gps <port>", "a real GPS on this serial device instead of the simulated one")
    .option("--espruino <bin>", "run dist/tracker.js on this Espruino interpreter instead of the firmware on Node")
    .option("--card <dir>", "the SD card's directory (a new temporary one by default)")
    .option("--upload-every <time>", "the tracker's upload interval (2m; with --preset, the preset's)")
    .option("--preset <name>", "the tracker's preset, as tracker.json names it: live, day or expedition (docs/energy.md)")
    .option("--noise <share>", "fault: this share of the GPS's serial bytes corrupted, e.g. 0.01")
    .option("--dropouts <n>", "fault: GPS dropouts of 30 s to 5 min")
    .option("--power-cuts <n>", "fault: kill the firmware at n random instants and restart it")
    .option("--coverage-gap <len@start>", "fault: no coverage, e.g. 30m@1h")
    .option("--server-outage <len@start>", "fault: the server refuses every connection, e.g. 20m@1h")
    .option("--modem-errors <share>", "fault: this share of AT commands fail, e.g. 0.2")
    .option("--gps-week-rollover", "fault: the GPS dates its fixes 1,024 weeks early (the week-rollover bug); the firmware corrects them")
    .option("--stop <len@start>", "the boat stops on the water, e.g. 15m@40m (the trip is that much longer)")
    .option("--sos-at <time>", "the paddler holds the SOS button this far into the trip, e.g. 45m")
    .option("--sos-cancel-at <time>", "and holds it again to cancel the SOS, e.g. 50m")
    .option("--nmea-only [port]", "only the GPS: NMEA to a new pseudo-terminal (its path is printed) or to PORT, for gpsd, cat or a real board")
    .option("--json", "print the summary as one JSON object")
    .action(async (o) => {
      await simulateCommand(o);
    });

  program
    .command("reliability")
    .description("the reliability suite: power cuts, ingest kills, network faults, serial noise, hostile HTTP, availability under attack; writes docs/RELIABILITY.md")
    .option("--full", "the long profile (the short one runs in CI)")
    .option("--only <names>", "only these scenarios, comma-separated")
    .action(async (o) => {
      await reliabilityCommand(o);
    });

  program
    .command("run-firmware")
    .description("run the tracker firmware on this laptop: GPS and SIM900 on serial ports, the SD card a directory")
    .requiredOption("--config <file>", "tracker.json: device, token, server, apn…")
    .requiredOption("--gps <port>", "the GPS's serial device (a USB adapter, or the simulator's pty)")
    .option("--modem <port>", "the SIM900's serial device (or the simulator's emulator)")
    .option("--uplink <kind>", "'http': post batches directly instead of through a modem")
    .requiredOption("--card <dir>", "the directory standing in for the SD card")
    .option("--speedup <n>", "run the firmware's clock this many times faster (with a simulated GPS)")
    .option("--status", "print a JSON status line each second")
    .option("--record-gps <file>", "write every byte read from the GPS to this file, each read's length to FILE.chunks (to replay a problem later)")
    .action(async (o) => {
      await runFirmware(o);
    });

  program
    .command("flash")
    .description("build the tracker and save it on an Espruino board (offline, EspruinoTools); it runs at power-on")
    .requiredOption("--board <board>", "PICO or ORIGINAL")
    .requiredOption("--config <file>", "tracker.json: device, token, server, apn… (checked before anything is sent)")
    .option("--port <path>", "the board's serial port, e.g. /dev/ttyACM0")
    .option("--dry-run", "check, build and prepare only; send nothing")
    .option("--out <file>", "write exactly the bytes sent to the board to this file (it holds the token)")
    .option("--bundle <file>", "send this built tracker (e.g. firmware/dist/tracker.js) instead of building one")
    .option("--verbose", "show EspruinoTools' messages")
    .action(async (o) => {
      await flashCommand(o);
    });

  const bench = program.command("bench").description("benchmarks; figures go to docs/BENCHMARKS.md");
  bench
    .command("ingest")
    .description("100 simulated devices posting 60-fix batches to a real server, then one-fix OwnTracks and OsmAnd traffic")
    .option("--devices <n>", "concurrent devices", "100")
    .option("--seconds <s>", "duration of each full-speed batch phase", "20")
    .option("--rounds <n>", "rounds of the paced batch phase (at 100,000 fixes/s), medians reported", "5")
    .option("--round-seconds <s>", "duration of each paced round", "10")
    .option("--single-seconds <s>", "duration of each one-fix phase", "10")
    .option("--json", "print a JSON object as the last line")
    .option("--no-write", "do not update docs/BENCHMARKS.md")
    .option("--cpu-prof <dir>", "write CPU profiles of the server's threads (open them in Chrome DevTools)")
    .option("--db <url>", "also measure PostgreSQL (postgres://USER:PASS@HOST:PORT/DB; its user needs CREATEDB), one process and two, in a scratch database")
    .action(async (o) => {
      const { benchIngest } = await import("./bench/ingest-bench.ts");
      await benchIngest(o);
    });

  bench
    .command("energy")
    .description("each tracker preset over a simulated day: average mA, days on 3,000 mAh, fixes per km, the delay to the map, bytes on air")
    .option("--hours <n>", "hours simulated", "24")
    .option("--seed <n>", "the same seed gives the same day", "1")
    .option("--json", "print a JSON object as the last line")
    .option("--no-write", "do not update docs/BENCHMARKS.md")
    .action(async (o) => {
      const { benchEnergy } = await import("./bench/energy-bench.ts");
      await benchEnergy(o);
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

  bench.command("map").description("a 100,000-fix trip in headless Chromium: time to draw and respond, and live-update latency").option("--fixes <n>", "fixes of the trip", "100000").option("--runs <n>", "page loads", "7").option("--updates <n>", "live batches", "20").option("--json", "print a JSON object as the last line").option("--no-write", "do not update docs/BENCHMARKS.md").action(async (o) => (await import("./bench/map-bench.ts")).benchMap(o));

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
