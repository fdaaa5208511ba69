import { checkDeviceName, checkTrackerSettings, parseDuration } from "@kayaktrack/ingest";
import { withStore } from "../with-store.ts";

export interface DbOption {
  db?: string;
}

/** `kayaktrack device add NAME [--json]`: prints the id and the token, which is shown only this once. */
export async function deviceAdd(name: string, options: DbOption & { json?: boolean }): Promise<void> {
  const { device, token } = await withStore(options.db, async (store) => await store.addDevice(checkDeviceName(name)));
  if (options.json) {
    process.stdout.write(JSON.stringify({ id: device.id, token }) + "\n");
    return;
  }
  process.stdout.write(
    `Added device ${device.id} (${device.name}).\n` +
      `  id:    ${device.id}\n  token: ${token}\n` +
      `The token is shown only now; only its hash is stored.\n`,
  );
}

/** `kayaktrack device list [--json]` */
export async function deviceList(options: DbOption & { json?: boolean }): Promise<void> {
  const devices = await withStore(options.db, async (store) => await store.listDevices());
  if (options.json) {
    process.stdout.write(JSON.stringify(devices) + "\n");
    return;
  }
  if (devices.length === 0) {
    process.stdout.write("No devices. Add one with: kayaktrack device add NAME\n");
    return;
  }
  const rows = devices.map((d) => [
    String(d.id),
    d.name,
    d.revokedAt ? "revoked" : "active",
    d.lastSeenAt ? new Date(d.lastSeenAt).toISOString() : "never",
    // A kayaktrack tracker reports volts; phone apps a charge with their fixes.
    d.batteryVolts !== null ? `${d.batteryVolts.toFixed(2)} V` : d.latest?.battery != null ? `${Math.round(d.latest.battery)} %` : "-",
    d.latest ? `${d.latest.lat.toFixed(5)},${d.latest.lon.toFixed(5)} at ${new Date(d.latest.time * 1000).toISOString()}` : "-",
  ]);
  const header = ["ID", "NAME", "STATUS", "LAST SEEN", "BATTERY", "LATEST POSITION"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const r of [header, ...rows]) process.stdout.write(r.map((v, i) => v.padEnd(widths[i]!)).join("  ").trimEnd() + "\n");
}

/** `kayaktrack device revoke ID`: the token stops working; the device's fixes stay. */
export async function deviceRevoke(idText: string, options: DbOption): Promise<void> {
  const id = Number(idText);
  if (!/^[1-9]\d*$/.test(idText)) throw new Error(`'${idText}' is not a device id`);
  const found = await withStore(options.db, async (store) => await store.revokeDevice(id));
  if (!found) throw new Error(`no device ${id}`);
  process.stdout.write(`Revoked device ${id}.\n`);
}

/**
 * `kayaktrack device set ID [--upload-every 10m] [--upload-after N] [--clear]`:
 * upload intervals the server sends the tracker with each acknowledgement
 * (the tracker checks them too, and keeps them on its card).
 * `--owntracks-key KEY` / `--no-owntracks-key`: an OwnTracks phone's encryption key.
 */
export async function deviceSet(
  idText: string,
  options: DbOption & { uploadEvery?: string; uploadAfter?: string; clear?: boolean; owntracksKey?: string | false },
): Promise<void> {
  const id = Number(idText);
  if (!/^[1-9]\d*$/.test(idText)) throw new Error(`'${idText}' is not a device id`);
  if (options.owntracksKey !== undefined) {
    if (options.owntracksKey === "") throw new Error("--owntracks-key: give the app's secret encryption key (--no-owntracks-key forgets it)");
    const key = options.owntracksKey || null;
    if (!await withStore(options.db, async (store) => await store.setOwntracksKey(id, key))) throw new Error(`no device ${id}`);
    process.stdout.write(key ? `Device ${id}'s encrypted OwnTracks messages will be opened with the key given.\n` : `Device ${id} has no OwnTracks key.\n`);
    if (options.uploadEvery === undefined && options.uploadAfter === undefined && !options.clear) return;
  }
  let settings = null;
  if (!options.clear) {
    const every = options.uploadEvery === undefined ? undefined : parseDuration(options.uploadEvery);
    if (options.uploadEvery !== undefined && every === undefined) throw new Error(`--upload-every '${options.uploadEvery}' is not a duration like 300, 5m or 1h`);
    const after = options.uploadAfter === undefined ? undefined : Number(options.uploadAfter);
    if (every === undefined && after === undefined) throw new Error("give --upload-every, --upload-after or --clear");
    try {
      settings = checkTrackerSettings({ uploadEveryS: every, uploadAfterFixes: after });
    } catch (e) {
      throw new Error((e as { detail?: string }).detail ?? (e as Error).message);
    }
  }
  if (!await withStore(options.db, async (store) => await store.setTrackerSettings(id, settings))) throw new Error(`no device ${id}`);
  process.stdout.write(settings ? `Device ${id} will be asked to upload ${describe(settings)}.\n` : `Device ${id} uses its own upload intervals.\n`);
}

const describe = (s: { uploadEveryS?: number; uploadAfterFixes?: number }) =>
  [s.uploadEveryS !== undefined && `every ${s.uploadEveryS} s`, s.uploadAfterFixes !== undefined && `once ${s.uploadAfterFixes} fixes are pending`].filter(Boolean).join(" or ");
