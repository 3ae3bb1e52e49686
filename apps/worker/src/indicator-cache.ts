import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type SeriesSpec, seriesKey } from '@hindsight/engine';
import { type Config, indicatorsRoot } from '@hindsight/service';

/**
 * Whether series of this many bars are stored and read rather than computed inline: below the
 * threshold reading a file costs more than computing (apps/worker/bench/indicators.ts).
 */
export function worthStoring(
  config: Pick<Config, 'INDICATORS_JOB_MIN_BARS'>,
  bars: number,
): boolean {
  return bars >= config.INDICATORS_JOB_MIN_BARS;
}

/** One series as the cache answers it: its values, and whether they were stored already. */
export interface CachedSeries {
  spec: SeriesSpec;
  values: Float64Array;
  /** True when read from the cache, false when computed (and stored) by this call. */
  hit: boolean;
}

/**
 * Indicator series of cached bars, under DATA_ROOT/indicators, content-addressed: a series is stored under the sha256 of the
 * bars' data version (LoadedBars.dataVersion: series, span and cache version, which never change
 * once published) and the series' key (name and parameters), as Float64 little-endian values, one
 * per bar. Equal keys mean equal values, so a file once written is never rewritten, and a reader
 * may take whichever writer's file it finds. A file is written beside its name and renamed into
 * place, so a reader never sees half of one; racing writers of one series each rename a complete
 * copy of the same values. Every read stamps the file's mtime, so `hindsight cleanup` can remove
 * the series not used for a while (cleanupIndicators); a series removed under a reader is
 * computed again.
 */
export class IndicatorCache {
  readonly #root: string;

  constructor(dataRoot: string) {
    this.#root = indicatorsRoot(dataRoot);
  }

  /** Where the series of these bars is stored. */
  pathOf(dataVersion: string, spec: SeriesSpec): string {
    const digest = createHash('sha256')
      .update(dataVersion)
      .update('\u0000')
      .update(seriesKey(spec))
      .digest('hex');
    // Two hex digits of fan-out keep directories small with millions of series.
    return join(this.#root, digest.slice(0, 2), `${digest}.f64`);
  }

  /** The stored series, or null when there is none (or one of the wrong length: not these bars). */
  async read(dataVersion: string, spec: SeriesSpec, length: number): Promise<Float64Array | null> {
    const path = this.pathOf(dataVersion, spec);
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    if (bytes.byteLength !== length * Float64Array.BYTES_PER_ELEMENT) return null;
    await this.#markUsed(path);
    // A copy into its own aligned buffer: a Buffer may sit at any offset of a shared pool.
    const values = new Float64Array(length);
    new Uint8Array(values.buffer).set(bytes);
    return values;
  }

  /**
   * Stamps the series as used now, for cleanupIndicators: atime is no guide, as many file systems
   * are mounted noatime. A file cleanup removed just now needs no stamp.
   */
  async #markUsed(path: string): Promise<void> {
    const now = new Date();
    await utimes(path, now, now).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }

  /** Stores a series atomically (see the class comment). */
  async write(dataVersion: string, spec: SeriesSpec, values: Float64Array): Promise<void> {
    const path = this.pathOf(dataVersion, spec);
    await mkdir(join(path, '..'), { recursive: true });
    const temporary = `${path}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
    try {
      await writeFile(
        temporary,
        new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
      );
      await rename(temporary, path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  /**
   * Each distinct series of `specs` for these bars: read when stored, else computed with
   * `compute` and stored. The indicators step's work.
   */
  async ensure(
    dataVersion: string,
    specs: readonly SeriesSpec[],
    length: number,
    compute: (spec: SeriesSpec) => Float64Array,
  ): Promise<CachedSeries[]> {
    const distinct = new Map(specs.map((spec) => [seriesKey(spec), spec]));
    return Promise.all(
      [...distinct.values()].map(async (spec) => {
        const stored = await this.read(dataVersion, spec, length);
        if (stored) return { spec, values: stored, hit: true };
        const values = compute(spec);
        await this.write(dataVersion, spec, values);
        return { spec, values, hit: false };
      }),
    );
  }

  /** The stored series among `specs`; those missing are left out (the reader computes them). */
  async stored(
    dataVersion: string,
    specs: readonly SeriesSpec[],
    length: number,
  ): Promise<Array<readonly [SeriesSpec, Float64Array]>> {
    const distinct = new Map(specs.map((spec) => [seriesKey(spec), spec]));
    const found = await Promise.all(
      [...distinct.values()].map(
        async (spec) => [spec, await this.read(dataVersion, spec, length)] as const,
      ),
    );
    return found.filter((entry): entry is readonly [SeriesSpec, Float64Array] => entry[1] !== null);
  }
}
