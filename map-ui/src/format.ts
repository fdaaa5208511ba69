/** How the map writes distances, durations, speeds and times. */

export function formatDistance(m: number): string {
  return m < 1000 ? `${Math.round(m)} m` : `${(m / 1000).toFixed(m < 100_000 ? 2 : 1)} km`;
}

/** 3 h 05 min, 12 min 30 s, 45 s */
export function formatDuration(s: number): string {
  const total = Math.max(0, Math.round(s));
  const h = Math.floor(total / 3600);
  const min = Math.floor((total % 3600) / 60);
  const sec = total % 60;
  if (h > 0) return `${h} h ${String(min).padStart(2, "0")} min`;
  if (min > 0) return `${min} min ${String(sec).padStart(2, "0")} s`;
  return `${sec} s`;
}

/** m/s as km/h, one decimal; "–" when unknown */
export function formatSpeed(mps: number | null | undefined): string {
  return mps === null || mps === undefined ? "–" : `${(mps * 3.6).toFixed(1)} km/h`;
}

export function formatAltitude(m: number | null | undefined): string {
  return m === null || m === undefined ? "–" : `${Math.round(m)} m`;
}

/** "just now", "12 s ago", "5 min ago", "3 h ago", "2 d ago" */
export function formatAgo(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 1) return "just now";
  if (s < 120) return `${s} s ago`;
  if (s < 7200) return `${Math.floor(s / 60)} min ago`;
  if (s < 172_800) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}

/** Local date and time, to the minute: 2024-06-01 14:05 */
export function formatDateTime(epochS: number): string {
  const d = new Date(epochS * 1000);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** Local clock time with seconds: 14:05:09 */
export function formatClock(epochS: number): string {
  const d = new Date(epochS * 1000);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** seconds as a share's delay or lifetime: 15 min, 2 h, 7 d */
export function formatSpan(s: number): string {
  if (s === 0) return "none";
  if (s % 86_400 === 0) return `${s / 86_400} d`;
  if (s % 3600 === 0) return `${s / 3600} h`;
  if (s % 60 === 0) return `${s / 60} min`;
  return `${s} s`;
}
