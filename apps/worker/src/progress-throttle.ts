/**
 * Lets through at most one progress report per interval, so a long simulation emits about ten
 * events a second rather than one per chunk of bars - and a run shorter than one interval none
 * (its step's start and end say enough). The clock is a parameter for tests; the default keeps
 * ticking while synchronous work blocks the event loop.
 */
export class ProgressThrottle {
  #last: number;

  constructor(
    private readonly intervalMs = 100,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.#last = now();
  }

  /** True if a report may go out now; the interval restarts from this moment. */
  ready(): boolean {
    const time = this.now();
    if (time - this.#last < this.intervalMs) return false;
    this.#last = time;
    return true;
  }
}
