/** The middle value (the upper one of an even count), NaN for none: what the benchmarks report of their rounds. */
export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
