/**
 * Lets through at most one progress report per interval, so a fast simulation emits about ten
 * events a second rather than one per chunk of bars. The clock is a parameter for tests; the
 * default keeps ticking while synchronous work blocks the event loop.
 */
export class ProgressThrottle {
  #last = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly intervalMs = 100,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** True if a report may go out now; the interval restarts from this moment. */
  ready(): boolean {
    const time = this.now();
    if (time - this.#last < this.intervalMs) return false;
    this.#last = time;
    return true;
  }
}
