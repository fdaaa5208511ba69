/**
 * The SOS button where no pin has one (the interpreter on a PC, and `kayaktrack run-firmware
 * --status`): the host types `kayaktrack.press(1)` or `kayaktrack.press(0)` as a line. On the
 * interpreter's console it runs as JavaScript (the leading \x10 runs a line without echoing it,
 * as the Espruino Web IDE does; consoleButton in espruino-hardware.ts defines the function);
 * run-firmware reads it from its standard input. The line's one definition.
 */
export const buttonLine = (pressed: boolean) => "\x10kayaktrack.press(" + (pressed ? 1 : 0) + ")";

/** true (pressed) or false (released) from a line buttonLine made; undefined for any other line. */
export function readButtonLine(line: string): boolean | undefined {
  const m = /^\x10?kayaktrack\.press\(([01])\)$/.exec(line.trim());
  return m ? m[1] === "1" : undefined;
}
