import { readdirSync, readFileSync } from "node:fs";

/** What a process has used so far, from Linux's /proc. */
export interface ProcessUsage {
  /** CPU time of all its threads, user and system, seconds */
  cpuSeconds: number;
  /** CPU time of its main thread alone (for Node, the event loop), seconds */
  mainThreadCpuSeconds: number;
  /** bytes it caused to be written to storage (read from /proc/PID/io) */
  writeBytes: number;
}

/** /proc counts CPU time in clock ticks of 1/USER_HZ s; USER_HZ is 100 on every Linux Node runs on. */
const USER_HZ = 100;

/** utime + stime of a /proc stat line, in seconds (fields 14 and 15; the name in parentheses may hold spaces). */
function statCpuSeconds(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / USER_HZ;
}

/** The usage of process `pid` so far, or undefined where there is no /proc (not Linux, or the process is gone). */
export function processUsage(pid: number): ProcessUsage | undefined {
  try {
    let cpuSeconds = 0;
    let mainThreadCpuSeconds = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      let seconds: number;
      try {
        seconds = statCpuSeconds(readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8"));
      } catch {
        continue; // a thread that ended between the listing and the read
      }
      cpuSeconds += seconds;
      if (tid === String(pid)) mainThreadCpuSeconds = seconds;
    }
    const io = /^write_bytes: (\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, "utf8"));
    return { cpuSeconds, mainThreadCpuSeconds, writeBytes: io ? Number(io[1]) : NaN };
  } catch {
    return undefined;
  }
}

/** Cores and storage writes over an interval: two usages `seconds` apart. */
export interface UsageRates {
  cores: number;
  mainThreadCores: number;
  writeMBPerSec: number;
}

export function usageRates(before: ProcessUsage, after: ProcessUsage, seconds: number): UsageRates {
  return {
    cores: (after.cpuSeconds - before.cpuSeconds) / seconds,
    mainThreadCores: (after.mainThreadCpuSeconds - before.mainThreadCpuSeconds) / seconds,
    writeMBPerSec: (after.writeBytes - before.writeBytes) / 1e6 / seconds,
  };
}
