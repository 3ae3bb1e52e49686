const WIDTH = 10;

export interface ProgressUpdate {
  progress: number;
  step: string;
  barsProcessed: number | null;
}

/** `[#####.....] 52% simulation 1,040 bars` */
export function formatProgress({ progress, step, barsProcessed }: ProgressUpdate): string {
  const fraction = Math.min(1, Math.max(0, progress));
  const filled = Math.floor(fraction * WIDTH);
  const bars = barsProcessed === null ? '' : ` ${barsProcessed.toLocaleString('en-US')} bars`;
  return `[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${Math.floor(fraction * 100)}% ${step}${bars}`;
}

/**
 * Draws progress on stderr: one line redrawn in place on a terminal; on a pipe or a log file,
 * a plain line each time the step changes or another tenth is done, so the file stays short.
 */
export class ProgressBar {
  readonly #out: NodeJS.WritableStream;
  readonly #tty: boolean;
  #drawn = 0;
  #lastStep = '';
  #lastTenth = -1;

  constructor(out: NodeJS.WritableStream) {
    this.#out = out;
    this.#tty = (out as { isTTY?: boolean }).isTTY === true;
  }

  update(update: ProgressUpdate): void {
    const line = formatProgress(update);
    if (this.#tty) {
      this.#out.write(`\r${line.padEnd(this.#drawn)}`);
      this.#drawn = line.length;
      return;
    }
    const tenth = Math.floor(Math.min(1, Math.max(0, update.progress)) * 10);
    if (update.step === this.#lastStep && tenth === this.#lastTenth) return;
    this.#lastStep = update.step;
    this.#lastTenth = tenth;
    this.#out.write(`${line}\n`);
  }

  /** Ends the redrawn line so what follows starts on a line of its own. */
  done(): void {
    if (this.#tty && this.#drawn > 0) this.#out.write('\n');
    this.#drawn = 0;
  }
}
