/**
 * The modem's PWRKEY where no pin drives it (the board's "console" pin, and
 * `kayaktrack run-firmware --status`): each press and release is printed as
 * one line, "PWRKEY 1" or "PWRKEY 0", and the simulator's firmware runner
 * reads them back for its SIM900 emulator. The line's one definition.
 */
export const powerKeyLine = (pressed: boolean) => "PWRKEY " + (pressed ? 1 : 0);

/** true (pressed) or false (released) from a line powerKeyLine printed; undefined for any other line. */
export function readPowerKeyLine(line: string): boolean | undefined {
  return line === "PWRKEY 1" ? true : line === "PWRKEY 0" ? false : undefined;
}
