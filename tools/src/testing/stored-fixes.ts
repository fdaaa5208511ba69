import { ADMIN } from "../server-process.ts";

export interface StoredPosition {
  time: number;
  lat: number;
  lon: number;
}

/** Every fix a real server stored for a device, read back through its API (GET …/fixes, page by page). */
export async function storedFixes(server: string, device: number): Promise<StoredPosition[]> {
  const out: StoredPosition[] = [];
  let path: string | null = `/api/v1/devices/${device}/fixes?limit=1000`;
  while (path) {
    const res = await fetch(server + path, { headers: { Authorization: `Bearer ${ADMIN}` } });
    if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
    const page = (await res.json()) as { features: Array<{ geometry: { coordinates: number[] }; properties: { time: number } }>; next: string | null };
    for (const f of page.features) out.push({ time: f.properties.time, lon: f.geometry.coordinates[0]!, lat: f.geometry.coordinates[1]! });
    path = page.next;
  }
  return out;
}
