import { describe, expect, it } from "vitest";
import { expectSane, LOGS, randomSplits, readLog } from "../testing/corpus.ts";
import type { GpsFix } from "./gps-fix.ts";
import { nmeaEpoch } from "../testing/nmea-epoch.ts";
import { FixReader, fixesFromNmea } from "./fix-reader.ts";

/** A sentence with its checksum. */
function s(body: string): string {
  let x = 0;
  for (const c of body) x ^= c.charCodeAt(0);
  return `$${body}*${x.toString(16).toUpperCase().padStart(2, "0")}\r\n`;
}

describe("FixAssembler", () => {
  it("joins the sentences of an epoch into one fix with every field", () => {
    const log =
      s("GPGGA,120000.50,5954.0000,N,01042.0000,E,1,08,0.9,12.5,M,39.0,M,,") +
      s("GPGSA,A,3,01,02,03,04,05,06,07,08,,,,,1.8,0.9,1.5") +
      s("GPRMC,120000.50,A,5954.0000,N,01042.0000,E,3.9,87.5,220526,,,A") +
      s("GPGGA,120001.50,5954.0010,N,01042.0000,E,1,08,0.9,12.5,M,39.0,M,,");
    const [fix, ...rest] = fixesFromNmea(log);
    expect(rest).toHaveLength(1);
    expect(fix).toEqual({
      time: Date.UTC(2026, 4, 22, 12, 0, 0, 500) / 1000, lat: 59.9, lon: 10.7, alt: 12.5, speed: 3.9 * (1852 / 3600), course: 87.5, hdop: 0.9, sats: 8, quality: 1,
    });
  });

  it("makes no fix without a valid position or without a date", () => {
    const noFix =
      s("GPRMC,120000,V,,,,,,,220526,,,N") + s("GPGGA,120000,,,,,0,00,99.9,,,,,,") +
      s("GPGGA,120001,5954.0000,N,01042.0000,E,0,00,,,,,,,") + s("GPGSA,A,1,,,,,,,,,,,,,,,");
    expect(fixesFromNmea(noFix)).toEqual([]);
    // A GGA fix before any date: no fix; the date given at the start makes one.
    const undated = s("GPGGA,120000,5954.0000,N,01042.0000,E,1,05,1.2,3.0,M,,,,") + s("GPGGA,120001,5954.0000,N,01042.0000,E,1,05,1.2,3.0,M,,,,");
    expect(fixesFromNmea(undated)).toEqual([]);
    expect(fixesFromNmea(undated, 20_595)[0]?.time).toBe(20_595 * 86400 + 43200);
    // An RMC that says V does not give its (guessed) date.
    expect(fixesFromNmea(s("GPRMC,120000,V,,,,,,,010180,,,N") + undated)).toEqual([]);
  });

  it("moves to the next day past midnight when no sentence gives the date", () => {
    const log =
      s("GPRMC,235959,A,5954.0000,N,01042.0000,E,1.0,90.0,311225,,,A") +
      s("GPGGA,000000,5954.0000,N,01042.0000,E,1,05,1.2,3.0,M,,,,") +
      s("GPGGA,000001,5954.0000,N,01042.0000,E,1,05,1.2,3.0,M,,,,");
    expect(fixesFromNmea(log).map((f) => f.time)).toEqual([Date.UTC(2025, 11, 31, 23, 59, 59) / 1000, Date.UTC(2026, 0, 1) / 1000, Date.UTC(2026, 0, 1, 0, 0, 1) / 1000]);
  });

  it.each(LOGS)("gives the same sane fixes from %s in any chunking", (log) => {
    const text = readLog(log);
    const whole = fixesFromNmea(text);
    for (const f of whole) expectSane(f, `${log} ${f.time}`);
    expect(fixesFromNmea(text, undefined, 1)).toEqual(whole);
    expect(fixesFromNmea(text, undefined, 37)).toEqual(whole);
  });
});

describe("sentences of one epoch that disagree on the position", () => {
  const at = (lat: number) => nmeaEpoch({ time: 1_783_150_000, lat, lon: 10.7, speed: 2, course: 90 }).split("\r\n");
  const [rmc, gga] = at(59.9);
  const [, far] = at(59.90003); // 3 m north
  const [, near] = at(59.900004); // 0.4 m: the precision of the fields
  const next = nmeaEpoch({ time: 1_783_150_001, lat: 59.9, lon: 10.7, speed: 2, course: 90 });
  const corroborated = (text: string) => {
    const fixes: Array<{ time: number; lat: number }> = [];
    const p = new FixReader((f) => fixes.push(f), { corroborate: true, startDay: Math.floor(1_783_150_000 / 86_400) });
    p.framer.feed(text);
    p.assembler.finish();
    return fixes;
  };

  it("reading a log, takes the latest sentence's position, as gpsd does (several talkers' solutions, a chart plotter's relayed cycles)", () => {
    const fixes = fixesFromNmea(`${rmc}\r\n${far}\r\n${next}`);
    expect(fixes.map((f) => f.time)).toEqual([1_783_150_000, 1_783_150_001]);
    expect(fixes[0]!.lat).toBeCloseTo(59.90003, 6);
  });

  it("corroborating, drops the epoch when its only two sentences disagree by more than about a metre (a damaged field whose checksum matched)", () => {
    expect(corroborated(`${rmc}\r\n${far}\r\n${next}`).map((f) => f.time)).toEqual([1_783_150_001]);
    expect(corroborated(`${rmc}\r\n${near}\r\n${next}`).map((f) => f.time)).toEqual([1_783_150_000, 1_783_150_001]);
    expect(corroborated(`${rmc}\r\n${gga}\r\n`)).toHaveLength(1);
  });

  it("corroborating, believes the position two sentences agree on, whichever one disagrees and in any order", () => {
    // Two agreeing GGAs from two talkers (a GPS and a combined solution) outvote one RMC 3 m away, before or after it.
    const ggaGn = gga!.replace("$GPGGA", "$GNGGA").replace(/\*[0-9A-F]{2}$/, (_) => "*" + checksum(gga!.replace("$GPGGA", "$GNGGA")));
    const farLat = corroborated(`${far}\r\n${gga}\r\n${ggaGn}\r\n${next}`)[0]!;
    expect(farLat.lat).toBeCloseTo(59.9, 6);
    const rmcFar = at(59.90003)[0]!;
    const after = corroborated(`${gga}\r\n${ggaGn}\r\n${rmcFar}\r\n${next}`)[0]!;
    expect(after.lat).toBeCloseTo(59.9, 6);
    expect(after.time).toBe(1_783_150_000);
  });
});

/** The checksum of a sentence whose own checksum is stale. */
function checksum(sentence: string): string {
  const body = sentence.slice(1, sentence.lastIndexOf("*"));
  let x = 0;
  for (let i = 0; i < body.length; i++) x ^= body.charCodeAt(i);
  return x.toString(16).toUpperCase().padStart(2, "0");
}

describe("corroborate: the tracker believes no single sentence on its own", () => {
  const epoch = (time: number, lat = 59.9) => nmeaEpoch({ time, lat, lon: 10.7, speed: 2, course: 90 }).split("\r\n").slice(0, 2);
  /** Two digits with their lowest bit flipped: still digits, and the XOR checksum still matches. */
  const damage = (line: string, i: number, j: number) => {
    const flip = (k: number) => String.fromCharCode(line.charCodeAt(k) ^ 1);
    return line.slice(0, i) + flip(i) + line.slice(i + 1, j) + flip(j) + line.slice(j + 1);
  };
  const run = (lines: string[]) => fixesFromNmea(lines.join("\r\n") + "\r\n", undefined, 0).map((f) => f.time);
  const corroborated = (lines: string[]) => {
    const times: number[] = [];
    const p = new FixReader((f) => times.push(f.time), { corroborate: true });
    p.framer.feed(lines.join("\r\n") + "\r\n");
    p.assembler.finish();
    return times;
  };
  const T = 1_783_150_000;

  it("needs RMC and GGA agreeing on the position, and a new date from two RMCs", () => {
    const trip = [T, T + 1, T + 2, T + 3].flatMap((t) => epoch(t));
    // The first RMC's date waits for the second's.
    expect(corroborated(trip)).toEqual([T + 1, T + 2, T + 3]);
    expect(run(trip)).toEqual([T, T + 1, T + 2, T + 3]);
    // An epoch whose GGA was lost on the wire: its RMC alone stands, as it continues the track.
    const [rmc2] = epoch(T + 2);
    expect(corroborated([...epoch(T), ...epoch(T + 1), rmc2!, ...epoch(T + 3)])).toEqual([T + 1, T + 2, T + 3]);
  });

  it("believes a receiver that sends one position sentence an epoch (GGA alone) from its second epoch, while the track goes on", () => {
    const day = Math.floor(T / 86_400);
    const ggaOnly = (times: number[], lat = (t: number) => 59.9 + (t - T) * 1e-5) => {
      const out: number[] = [];
      const p = new FixReader((f) => out.push(f.time), { corroborate: true, startDay: day });
      for (const t of times) p.framer.feed(nmeaEpoch({ time: t, lat: lat(t), lon: 10.7, speed: 2, course: 90 }).split("\r\n")[1]! + "\r\n");
      p.assembler.finish();
      return out;
    };
    expect(ggaOnly([T, T + 1, T + 2, T + 3])).toEqual([T + 1, T + 2, T + 3]);
    // After a gap of more than ten seconds the track starts again.
    expect(ggaOnly([T, T + 1, T + 20, T + 21])).toEqual([T + 1, T + 21]);
    // A lone position 2 km off (a damaged GGA whose checksum matched) is dropped, and the track goes on without it.
    expect(ggaOnly([T, T + 1, T + 2, T + 3], (t) => (t === T + 2 ? 59.92 : 59.9))).toEqual([T + 1, T + 3]);
  });

  it("does not move the calendar on a damaged time: a GGA stamped 02:00:03 among 22:00:0x does not date the rest a day on", () => {
    const day = Date.UTC(2026, 5, 1) / 86_400_000;
    const gga = (hhmmss: string, lon: string) => s(`GPGGA,${hhmmss},5954.0000,N,01042.${lon},E,1,08,0.9,12.5,M,39.0,M,,`);
    const times: number[] = [];
    const p = new FixReader((f) => times.push(f.time), { corroborate: true, startDay: day });
    p.framer.feed(gga("220001", "0000") + gga("220002", "0010") + gga("020003", "0020") + gga("220004", "0030") + gga("220005", "0040") + gga("220006", "0050"));
    p.assembler.finish();
    const at = (h: number, m: number, sec: number) => Date.UTC(2026, 5, 1, h, m, sec) / 1000;
    expect(times).toEqual([at(22, 0, 2), at(22, 0, 4), at(22, 0, 5), at(22, 0, 6)]);
    // A real midnight still moves it.
    const past: number[] = [];
    const q = new FixReader((f) => past.push(f.time), { corroborate: true, startDay: day });
    q.framer.feed(gga("235958", "0000") + gga("235959", "0010") + gga("000000", "0020") + gga("000001", "0030"));
    q.assembler.finish();
    expect(past).toEqual([at(23, 59, 59), at(24, 0, 0), at(24, 0, 1)]);
  });

  it("continues a track across the antimeridian", () => {
    const day = Date.UTC(2026, 5, 1) / 86_400_000;
    const gga = (hhmmss: string, lon: string) => s(`GPGGA,${hhmmss},1710.0000,S,${lon},1,08,0.9,2.0,M,39.0,M,,`);
    const times: number[] = [];
    const p = new FixReader((f) => times.push(f.time), { corroborate: true, startDay: day });
    p.framer.feed(gga("120000", "17959.9990,E") + gga("120001", "17959.9995,E") + gga("120002", "17959.9998,W") + gga("120003", "17959.9990,W"));
    p.assembler.finish();
    expect(times.length).toBe(3);
  });

  it("drops a damaged RMC whose checksum still matched: in the position when GGA is lost, or in the date", () => {
    const [rmc, gga] = epoch(T + 2);
    const lat = rmc!.indexOf(",A,") + 3; // RMC field 3, ddmm.mmmmm: minutes 54 become 45
    const badLat = damage(rmc!, lat + 2, lat + 3);
    const date = rmc!.lastIndexOf(",,,A") - 6; // RMC field 9, ddmmyy: another day and year
    const badDate = damage(rmc!, date + 1, date + 5);
    const around = (mid: string[]) => [...epoch(T), ...epoch(T + 1), ...mid, ...epoch(T + 3)];
    // Without corroboration both are believed: a wrong position, a fix days away.
    expect(run(around([badLat]))).toEqual([T, T + 1, T + 2, T + 3]);
    expect(run(around([badDate, gga!]))).not.toContain(T + 2);
    // With it, neither is.
    expect(corroborated(around([badLat]))).toEqual([T + 1, T + 3]);
    expect(corroborated(around([badDate, gga!]))).toEqual([T + 1, T + 3]);
  });
});

describe("general NMEA rules met on receivers the parser was not tuned on (docs/corpus.md)", () => {
  const s = (body: string) => `$${body}*${checksum(`$${body}*00`)}\r\n`;
  const day = (iso: string) => Date.parse(iso) / 86_400_000;
  const times = (text: string, startDay?: number) => fixesFromNmea(text, startDay).map((f) => new Date(f.time * 1000).toISOString().slice(11, 19));

  it("takes the date from ZDA when no RMC gives one (GGA and ZDA only)", () => {
    const text = s("GPGGA,235959,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,") + s("GPZDA,235959,31,12,2025,00,00") + s("GPGGA,000000,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,") + s("GPZDA,000000,01,01,2026,00,00");
    const fixes = fixesFromNmea(text);
    expect(fixes.map((f) => new Date(f.time * 1000).toISOString())).toEqual(["2025-12-31T23:59:59.000Z", "2026-01-01T00:00:00.000Z"]);
  });

  it("reads any talker's position sentences (a chart plotter's IN, an ECDIS's EC), GNS among them, and skips proprietary ones", () => {
    const text = s("INRMC,194101,A,4426.1130,N,07140.5596,W,5.2,77.3,160906,15.8,W") + s("ECGLL,4426.1146,N,07140.5499,W,194102,A,D") + s("GNGNS,194103,4426.1150,N,07140.5480,W,AAN,14,1.3,250.8,50.0,,,V") + s("PGRMZ,246,f,3");
    expect(times(text)).toEqual(["19:41:01", "19:41:02", "19:41:03"]);
  });

  it("ends a sentence at CR LF with any CRs before the LF (CR CR LF)", () => {
    const text = s("GPRMC,194101,A,4426.1130,N,07140.5596,W,5.2,77.3,160906,,,A").replace("\r\n", "\r\r\n");
    expect(times(text)).toEqual(["19:41:01"]);
  });

  it("is not put off by a constellation's GNS without a mode or position (Trimble), nor a GGA with an empty quality", () => {
    const text = s("GNGNS,235647.00,3403.47162394,N,11711.80927093,W,FFNNN,10,1.2,403.600,-32.133,,") + s("GPGNS,235647.00,,,,,,6,,,,1.0,0") + s("GLGNS,235647.00,,,,,,4,,,,1.0,0") + s("GPGGA,235648.00,3403.4716,N,11711.8092,W,,11,0.8,86.0,M,-30.1,M,,");
    expect(times(text, day("2017-12-20"))).toEqual(["23:56:47", "23:56:48"]);
  });

  it("takes an epoch as it stood at its last cycle ender, as gpsd reports it, through a chart plotter's three ways of stamping its bursts", () => {
    // Each burst: GGA and GLL of second t, RMC and ZDA of t+1, RMC carrying t's position (a B&G Zeus²'s output).
    const burst = (t: number, lat: string, next: string) =>
      s(`GPGGA,0947${t},${lat},N,00518.8172,E,1,12,0.60,-4,M,46.8,M,,`) + s(`GPGLL,${lat},N,00518.8172,E,0947${t},A,A`) +
      s(`GPRMC,0947${t + 1},A,${lat},N,00518.8172,E,5.6,230.5,200818,1.4,E,A`) + s(`GPZDA,0947${t + 1},20,08,2018,-01,00`) + next;
    // Later the plotter stamps GLL with RMC's second too: GGA of t, then GLL, RMC and ZDA of t+1.
    const shifted = (t: number, gga: string, gll: string) =>
      s(`GPGGA,0947${t},${gga},N,00518.8172,E,1,12,0.60,-4,M,46.8,M,,`) + s(`GPGLL,${gll},N,00518.8172,E,0947${t + 1},A,A`) +
      s(`GPRMC,0947${t + 1},A,${gll},N,00518.8172,E,5.6,230.5,200818,1.4,E,A`) + s(`GPZDA,0947${t + 1},20,08,2018,-01,00`);
    // At last all four alike; RMC's position a little on from GLL's.
    const alike = (t: number, gll: string, rmc: string) =>
      s(`GPGGA,0947${t},${gll},N,00518.8172,E,1,12,0.60,-4,M,46.8,M,,`) + s(`GPGLL,${gll},N,00518.8172,E,0947${t},A,A`) +
      s(`GPRMC,0947${t},A,${rmc},N,00518.8172,E,5.6,230.5,200818,1.4,E,A`) + s(`GPZDA,0947${t},20,08,2018,-01,00`);
    const text = burst(36, "5251.0094", "") + burst(37, "5251.0085", "") + burst(38, "5251.0074", "") + burst(39, "5251.0066", "") +
      shifted(40, "5251.0057", "5251.0050") + shifted(41, "5251.0041", "5251.0033") + shifted(42, "5251.0025", "5251.0017") +
      alike(44, "5251.0009", "5251.0001") + alike(45, "5250.9993", "5250.9985");
    const fixes = fixesFromNmea(text, day("2018-08-20"));
    const at = (second: number) => fixes.find((f) => Math.round(f.time) % 60 === second)!.lat;
    // The epoch of second 37 is its GGA and GLL, reported by gpsd with their position, not the RMC relayed a burst earlier.
    expect(at(37)).toBeCloseTo(52 + 51.0085 / 60, 7);
    // Second 42 ends at its GLL (the cycle ender learned above): the next burst's GGA stamped 42 is late, as gpsd has it.
    expect(at(42)).toBeCloseTo(52 + 51.0033 / 60, 7);
    // ZDA ended a cycle too (GGA of 44 followed it): a second ender, and the epoch's fix is what stood at it, RMC's position.
    expect(at(44)).toBeCloseTo(52 + 51.0001 / 60, 7);
    expect(at(45)).toBeCloseTo(52 + 50.9985 / 60, 7);
  });

  it("holds a lone position until the next time shows its own was not the damaged field (CI's simulation stored a fix at a time the GPS never gave)", () => {
    // RMC then GGA each second; at T+3 the RMC reads 123503.50 for 123503.00, its checksum matching (two damaged bytes cancel).
    const T = 1_783_150_000;
    const at = (k: number) => ({ time: T + k, lat: 59.9, lon: 10.7 + k * 2e-5, speed: 2, course: 90 });
    const damaged = (text: string) => {
      const [rmc, gga] = text.trim().split("\r\n");
      const body = rmc!.slice(1, rmc!.indexOf("*")).replace(/^(GPRMC,\d{6})\.00/, "$1.50");
      let x = 0;
      for (let i = 0; i < body.length; i++) x ^= body.charCodeAt(i);
      return `$${body}*${x.toString(16).toUpperCase().padStart(2, "0")}\r\n${gga}\r\n`;
    };
    const text = [0, 1, 2, 3, 4, 5].map((k) => (k === 3 ? damaged(nmeaEpoch(at(k))) : nmeaEpoch(at(k)))).join("");
    const fixes: GpsFix[] = [];
    const p = new FixReader((f) => fixes.push(f), { corroborate: true, startDay: Math.floor(T / 86_400) });
    for (const chunk of randomSplits(text, 3)) p.framer.feed(chunk);
    p.assembler.finish();
    expect(fixes.map((f) => f.time - T)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(fixes[3]!.lon).toBeCloseTo(at(3).lon, 6);
  });
});
