/** Timers and the time, as the firmware's drivers and the modem emulator take them. */
export interface SimClock {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /** milliseconds, only differences matter */
  now(): number;
}

/**
 * A clock that runs `speedup` times faster than the wall clock: a 10 s timeout
 * fires after 10/speedup s, and now() advances speedup ms per real ms. Give the
 * same one to both ends of a link so that their timeouts keep their ratios.
 */
export function scaledClock(speedup = 1): SimClock {
  if (!(speedup > 0) || !Number.isFinite(speedup)) throw new RangeError(`speedup must be a positive number, not ${speedup}`);
  const wall0 = performance.now();
  return {
    setTimeout: (fn, ms) => setTimeout(fn, Math.max(0, ms) / speedup),
    clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    now: () => (performance.now() - wall0) * speedup,
  };
}
