import { readFileSync } from "node:fs";

/** What a process has used so far, from Linux's /proc. */
export interface ProcessUsage {
  /** CPU time of all its threads, those that ended included, user and system, seconds */
  cpuSeconds: number;
  /** CPU time of its main thread alone (for Node, the event loop), seconds */
  mainThreadCpuSeconds: number;
  /** bytes it sent towards storage, less those cancelled before they got there (NaN without I/O accounting) */
  writeBytes: number;
}

/** /proc counts CPU time in clock ticks of 1/USER_HZ s; USER_HZ is 100 on every Linux Node runs on. */
const USER_HZ = 100;

/** utime + stime of a /proc stat line, in seconds: fields 14 and 15, counted after the name in parentheses, which may hold spaces and parentheses itself. */
export function statCpuSeconds(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / USER_HZ;
}

/** The usage of process `pid` so far, or undefined where there is no /proc (not Linux, or the process is gone). */
export function processUsage(pid: number): ProcessUsage | undefined {
  let cpuSeconds: number;
  let mainThreadCpuSeconds: number;
  try {
    // The process's own line keeps the time of threads that have ended; the main thread's tid is the pid.
    cpuSeconds = statCpuSeconds(readFileSync(`/proc/${pid}/stat`, "utf8"));
    mainThreadCpuSeconds = statCpuSeconds(readFileSync(`/proc/${pid}/task/${pid}/stat`, "utf8"));
  } catch {
    return undefined;
  }
  return { cpuSeconds, mainThreadCpuSeconds, writeBytes: storageWrites(pid) };
}

/** write_bytes less cancelled_write_bytes (pages dirtied and then truncated or deleted) of /proc/PID/io; NaN if it cannot be read. */
function storageWrites(pid: number): number {
  try {
    const io = readFileSync(`/proc/${pid}/io`, "utf8");
    const field = (name: string) => Number(new RegExp(`^${name}: (\\d+)$`, "m").exec(io)?.[1] ?? NaN);
    return field("write_bytes") - field("cancelled_write_bytes");
  } catch {
    return NaN;
  }
}

/** Cores and storage writes over an interval: two usages `seconds` apart. */
export interface UsageRates {
  cores: number;
  mainThreadCores: number;
  /** NaN without I/O accounting */
  writeMBPerSec: number;
}

/** The rates between two readings of one process taken `seconds` apart. */
export function usageRates(before: ProcessUsage, after: ProcessUsage, seconds: number): UsageRates {
  return {
    cores: (after.cpuSeconds - before.cpuSeconds) / seconds,
    mainThreadCores: (after.mainThreadCpuSeconds - before.mainThreadCpuSeconds) / seconds,
    writeMBPerSec: (after.writeBytes - before.writeBytes) / 1e6 / seconds,
  };
}
