/** How far a parser has read: a share 0–1 of its text, now and then (for a progress bar). */
export type OnProgress = (share: number) => void;

/** Lines a line-by-line parser reads between progress reports. */
export const PROGRESS_LINES = 20_000;
