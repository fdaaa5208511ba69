/** Too many imports running and waiting already. */
export class ImportsBusyError extends Error {
  constructor(readonly waiting: number) {
    super(`${waiting} imports are waiting already`);
    this.name = "ImportsBusyError";
  }
}

/**
 * Lets `atOnce` imports run at a time and `waiting` more wait their turn, in
 * order; past that, `take` throws ImportsBusyError at once. Each import holds
 * a parsing thread and its heap, so together they stay within the machine.
 */
export class ImportSlots {
  private running = 0;
  private readonly queue: Array<() => void> = [];

  constructor(
    private readonly atOnce: number,
    private readonly waiting: number,
  ) {}

  /** Waits for a slot; the returned function gives it back (safe to call twice). */
  async take(): Promise<() => void> {
    if (this.running >= this.atOnce) {
      if (this.queue.length >= this.waiting) throw new ImportsBusyError(this.queue.length);
      await new Promise<void>((resolve) => this.queue.push(resolve));
    } else this.running++;
    let given = false;
    return () => {
      if (given) return;
      given = true;
      const next = this.queue.shift();
      if (next) next(); // the slot passes straight to the next in line
      else this.running--;
    };
  }
}
