import type { FixFeature, FixJson } from "@kayaktrack/ingest/fix-json";
import type { Track } from "./track.ts";

/** An API reply other than 2xx, with the server's {error, detail}. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly detail?: string,
  ) {
    super(detail ? `${error}: ${detail}` : error);
    this.name = "ApiError";
  }
}

/** A fix as the API sends it (the devices list, fixes pages, live and share streams): the one shape, ingest's fixToJson. */
export type Fix = FixJson;
/** The same fix as a GeoJSON Point feature (`/api/v1/devices/ID/fixes`): ingest's fixToFeature. */
export type { FixFeature };

export interface Device {
  id: number;
  name: string;
  revoked: boolean;
  status: "revoked" | "new" | "online" | "offline";
  lastSeen: string | null;
  /** percent, from the latest fix */
  battery: number | null;
  /** a kayaktrack tracker's volts */
  batteryVolts: number | null;
  latest: Fix | null;
}

export interface TripSummary {
  id: number;
  deviceId: number;
  start: string;
  end: string;
  fixes: number;
  distanceM: number;
  durationS: number;
  movingS: number;
  avgMovingSpeed: number | null;
  maxSpeed: number | null;
  minAlt: number | null;
  maxAlt: number | null;
  bbox: [number, number, number, number];
}

export interface TripDetail extends TripSummary {
  zoom: number;
  track: Track;
}

export interface Share {
  id: number;
  kind: "trip" | "device";
  deviceId: number;
  tripId: number | null;
  delayS: number;
  createdAt: string;
  expiresAt: string | null;
  revoked: boolean;
  url?: string;
  /** /s/TOKEN, when the share was just made */
  path?: string;
  token?: string;
}

export interface SharedView {
  share: { kind: "trip" | "device"; delayS: number; expiresAt: string | null };
  device: { id: number; name: string; latest: Fix | null };
  trip?: TripDetail;
}

export interface MapConfig {
  tiles: { url: string; attribution: string };
}

/** Calls the ingest service's HTTP API (docs/ARCHITECTURE.md), with the admin token when there is one. */
export class Api {
  constructor(
    private readonly token: string | undefined,
    private readonly onUnauthorized: () => void = () => {},
  ) {}

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.token) headers.set("Authorization", `Bearer ${this.token}`);
    const res = await fetch(path, { ...init, headers });
    if (!res.ok) {
      let body: { error?: string; detail?: string } = {};
      try {
        body = (await res.json()) as typeof body;
      } catch {
        // not JSON: the status says enough
      }
      if (res.status === 401) this.onUnauthorized();
      throw new ApiError(res.status, body.error ?? res.statusText, body.detail);
    }
    return res;
  }

  async get<T>(path: string): Promise<T> {
    return (await (await this.request(path)).json()) as T;
  }

  async post<T>(path: string, body: unknown): Promise<T> {
    const res = await this.request(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    return (await res.json()) as T;
  }

  async put<T>(path: string, body: unknown): Promise<T> {
    const res = await this.request(path, { method: "PUT", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    return (await res.json()) as T;
  }

  async delete(path: string): Promise<void> {
    await this.request(path, { method: "DELETE" });
  }

  /** Downloads with the token in the header (a plain link could not carry it). */
  async download(path: string, fallbackName: string): Promise<void> {
    const res = await this.request(path);
    const name = /filename="([^"]+)"/.exec(res.headers.get("Content-Disposition") ?? "")?.[1] ?? fallbackName;
    const url = URL.createObjectURL(await res.blob());
    const a = document.createElement("a");
    a.href = url;
    a.download = name;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
}

/** An alert as the API sends it (ingest's alertToJson). */
export interface Alert {
  id: number;
  device: number;
  kind: "sos" | "overdue" | "still" | "area";
  source: string;
  raisedAt: string;
  clearedAt: string | null;
  acknowledgedAt: string | null;
  position: { lat: number; lon: number; time: string | null } | null;
  detail: string | null;
  deliveries?: Array<{ id: number; event: string; contact: number; state: string; attempts: number; lastError: string | null; sentAt: string | null }>;
}

/** What a share link says of alerts: the open ones, and while an SOS stands, where the boat is now. */
export interface SharedAlerts {
  alerts: Array<Pick<Alert, "kind" | "raisedAt" | "acknowledgedAt" | "detail">>;
  sos: { since: string; position: { lat: number; lon: number } | null } | null;
}
