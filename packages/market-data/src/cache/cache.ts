import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readdir, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Bars, TIMEFRAMES, type Timeframe } from '@hindsight/engine';
import { CacheConflictError, CacheCorruptError, InvalidSymbolError } from '../errors.js';
import { parseSymbol } from '../symbols.js';
import { ALL_TIME, normalizeRanges, type TimeRange, unionRanges } from '../time/ranges.js';
import { isTimeframe } from '../time/timeframes.js';
import { DuckDBSession } from './duckdb-session.js';
import { mergeBars } from './merge.js';
import { BARS_PER_BLOCK, writeBarsFile } from './parquet/bars-file.js';

export interface SeriesKey {
  readonly source: string;
  readonly symbol: string;
  readonly timeframe: Timeframe;
}

export interface SeriesInfo extends SeriesKey {
  /** Increases by one with every write. */
  readonly version: number;
  readonly bars: number;
  readonly first: number | null;
  readonly last: number | null;
  /** The spans the cache has the complete answer for (bars or the knowledge there are none). */
  readonly coverage: readonly TimeRange[];
  /** Size of the data file. */
  readonly bytes: number;
  readonly updatedAt: string;
  /** Where the bars came from: the imported file's name, or the provider. */
  readonly origin: string | null;
}

export interface CachedSeries {
  readonly info: SeriesInfo;
  readonly bars: Bars;
}

export interface WriteOptions {
  /** The span `bars` answer for: cached bars inside it are replaced, and it joins the coverage. */
  readonly coverage: TimeRange;
  /**
   * Only the part of `coverage` before this time joins the coverage: bars after it may still
   * change at the source, so the next read asks for them again.
   */
  readonly settledBefore?: number;
  /** Drop everything cached for the series first (an import replaces the symbol). */
  readonly replace?: boolean;
  readonly origin?: string;
}

export interface MarketDataCacheOptions {
  /** DATA_ROOT; the cache lives in DATA_ROOT/market-data. */
  readonly dataRoot: string;
  /** Bars per block of a data file (see `BARS_PER_BLOCK`); tests make it small. */
  readonly barsPerBlock?: number;
}

interface Manifest {
  format: 1;
  /** Unique per commit; `parent` is the id of the version this one was made from. */
  id: string;
  parent: string | null;
  source: string;
  symbol: string;
  timeframe: Timeframe;
  version: number;
  file: string;
  bars: number;
  first: number | null;
  last: number | null;
  coverage: [number, number][];
  bytes: number;
  updatedAt: string;
  origin: string | null;
}

const MANIFEST = /^v(\d{10})\.json$/;
const DATA_FILE = /^(\d+)-[0-9a-f]+\.parquet$/;
const TEMP_FILE = /^\.v(\d+)-[0-9a-f]+\.tmp$/;
const READ_ATTEMPTS = 8;
const COMMIT_ATTEMPTS = 200;

/**
 * The OHLCV cache: one directory per (source, symbol, timeframe) under
 * DATA_ROOT/market-data/series, holding immutable versions. Each version is a Parquet data file
 * (see `parquet/bars-file.ts`) plus a manifest `v0000000007.json` that names it and records the
 * coverage; the manifest is the commit.
 *
 * Several processes share a cache without locks. A write reads the latest version N, writes its
 * data file under a fresh name, and publishes manifest N+1 with link(2), which fails if N+1
 * already exists: one writer wins each version, and a loser merges its bars into the winner's and
 * tries N+2, so no write is lost and no lock can be left behind by a crashed process. (A writer
 * that stalled past clean-up could publish a freed old number; see `committed`.) Readers only
 * open files that are complete before they are published, so no read is torn. Old versions are
 * deleted two commits later; a reader that loses its file to that simply reads the newer version.
 */
export class MarketDataCache {
  readonly root: string;
  private readonly barsPerBlock: number;
  private sessionPromise: Promise<DuckDBSession> | null = null;
  // The last manifest read per series directory: a version's manifest never changes, so when the
  // listing still shows that version, it need not be read again.
  private readonly manifests = new Map<string, Manifest>();

  constructor(options: MarketDataCacheOptions) {
    this.root = join(options.dataRoot, 'market-data');
    this.barsPerBlock = options.barsPerBlock ?? BARS_PER_BLOCK;
  }

  /** The shared DuckDB session (created on first use), for readers of other Parquet files. */
  session(): Promise<DuckDBSession> {
    this.sessionPromise ??= DuckDBSession.create();
    return this.sessionPromise;
  }

  async info(key: SeriesKey): Promise<SeriesInfo | null> {
    const manifest = await this.latest(this.directory(key));
    return manifest && toInfo(manifest);
  }

  /** The bars of a series within `range` (all of them by default), or null if it is not cached. */
  async read(key: SeriesKey, range: TimeRange = ALL_TIME): Promise<CachedSeries | null> {
    const directory = this.directory(key);
    const session = await this.session();
    for (let attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
      const manifest = await this.latest(directory);
      if (manifest === null) return null;
      const bars = await readData(session, join(directory, manifest.file), range);
      if (bars !== null) return { info: toInfo(manifest), bars };
    }
    throw new CacheConflictError(
      `${describe(key)}: its files kept being replaced while reading (${READ_ATTEMPTS} attempts)`,
    );
  }

  /** Stores `bars` as the answer for `options.coverage` and returns the new version's info. */
  async write(key: SeriesKey, bars: Bars, options: WriteOptions): Promise<SeriesInfo> {
    for (let i = 1; i < bars.length; i++) {
      if (!(bars.time[i]! > bars.time[i - 1]!)) {
        throw new RangeError(`bars to cache must have strictly increasing times (bar ${i})`);
      }
    }
    const directory = this.directory(key);
    await mkdir(directory, { recursive: true });
    const session = await this.session();
    for (let attempt = 0; attempt < COMMIT_ATTEMPTS; attempt++) {
      const latest = await this.latest(directory);
      let merged = bars;
      const settled = {
        from: options.coverage.from,
        to: Math.min(options.coverage.to, options.settledBefore ?? options.coverage.to),
      };
      let coverage = normalizeRanges([settled]);
      if (latest !== null && !options.replace) {
        const base = await readData(session, join(directory, latest.file), ALL_TIME);
        if (base === null) continue;
        merged = mergeBars(base, bars, options.coverage);
        coverage = unionRanges(
          latest.coverage.map(([from, to]) => ({ from, to })),
          coverage,
        );
      }
      const version = (latest?.version ?? 0) + 1;
      const suffix = randomBytes(6).toString('hex');
      const file = `${version}-${suffix}.parquet`;
      let bytes: number;
      try {
        bytes = await writeBarsFile(join(directory, file), merged, {
          blockSize: this.barsPerBlock,
          metadata: { 'hindsight.series': JSON.stringify({ ...key, version }) },
        });
      } catch (error) {
        // A disk that filled up mid-file leaves nothing behind: no manifest names this file yet.
        await unlink(join(directory, file)).catch(() => undefined);
        throw error;
      }
      const manifest: Manifest = {
        format: 1,
        id: suffix,
        parent: latest?.id ?? null,
        source: key.source,
        symbol: key.symbol,
        timeframe: key.timeframe,
        version,
        file,
        bars: merged.length,
        first: merged.length > 0 ? merged.time[0]! : null,
        last: merged.length > 0 ? merged.time[merged.length - 1]! : null,
        coverage: coverage.map((range) => [range.from, range.to]),
        bytes,
        updatedAt: new Date().toISOString(),
        origin: options.origin ?? latest?.origin ?? null,
      };
      if (await publish(directory, manifest, suffix)) {
        if (await this.committed(directory, manifest)) {
          await collectGarbage(directory, version);
          return toInfo(manifest);
        }
        await unlink(join(directory, manifestName(version))).catch(() => undefined);
      }
      await unlink(join(directory, file)).catch(() => undefined);
      // Another writer took this version: back off a little so the losers do not stay in step.
      await sleep(1 + Math.random() * Math.min(50, 2 ** attempt));
    }
    throw new CacheConflictError(
      `${describe(key)}: lost the race to write a new version ${COMMIT_ATTEMPTS} times`,
    );
  }

  /**
   * Whether a published manifest is a commit. Clean-up frees the names of old versions, so a
   * writer that read long ago and stalled can publish an old number after newer ones exist: no
   * reader picks it (they take the newest), and it must be taken back and merged into the newest.
   * It is a commit when it is the newest version, or when the next version was made from it.
   * When the next version is already cleaned up too, it cannot tell, and says no: taking back a
   * real commit only costs a redundant version, as the newer ones already hold its bars.
   */
  private async committed(directory: string, manifest: Manifest): Promise<boolean> {
    if ((await newestVersion(directory)) === manifest.version) return true;
    try {
      const next = JSON.parse(
        await readFile(join(directory, manifestName(manifest.version + 1)), 'utf8'),
      ) as Manifest;
      return next.parent === manifest.id;
    } catch {
      return false;
    }
  }

  /** Every cached series, by source, symbol and timeframe. */
  async list(): Promise<SeriesInfo[]> {
    const base = join(this.root, 'series');
    const infos: SeriesInfo[] = [];
    for (const source of await entries(base)) {
      for (const symbol of await entries(join(base, source))) {
        for (const timeframe of await entries(join(base, source, symbol))) {
          if (!isTimeframe(timeframe)) continue;
          const manifest = await this.latest(join(base, source, symbol, timeframe));
          if (manifest !== null) infos.push(toInfo(manifest));
        }
      }
    }
    return infos.sort(
      (a, b) =>
        a.source.localeCompare(b.source) ||
        a.symbol.localeCompare(b.symbol) ||
        TIMEFRAMES.indexOf(a.timeframe) - TIMEFRAMES.indexOf(b.timeframe),
    );
  }

  /** Closes the DuckDB session; the files stay. */
  async close(): Promise<void> {
    const session = this.sessionPromise;
    this.sessionPromise = null;
    if (session) (await session).close();
  }

  private directory(key: SeriesKey): string {
    const parsed = parseSymbol(`${key.source}:${key.symbol}`);
    if (parsed.source !== key.source || parsed.name !== key.symbol) {
      throw new InvalidSymbolError(
        `${key.source}:${key.symbol}`,
        'cache keys use a lower-case source and an upper-case name',
      );
    }
    if (!isTimeframe(key.timeframe)) throw new RangeError(`unknown timeframe ${key.timeframe}`);
    return join(this.root, 'series', key.source, key.symbol, key.timeframe);
  }

  /** The newest committed manifest of a series directory, or null if there is none. */
  private async latest(directory: string): Promise<Manifest | null> {
    for (let attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
      const newest = await newestVersion(directory);
      if (newest < 0) return null;
      const known = this.manifests.get(directory);
      if (known?.version === newest) return known;
      const path = join(directory, manifestName(newest));
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw error;
      }
      let manifest: Manifest;
      try {
        manifest = JSON.parse(text) as Manifest;
      } catch {
        throw new CacheCorruptError(path, 'the manifest is not valid JSON');
      }
      if (this.manifests.size >= 1_000) this.manifests.clear();
      this.manifests.set(directory, manifest);
      return manifest;
    }
    throw new CacheConflictError(`${directory}: versions kept changing while listing them`);
  }
}

/** The highest manifest version in a series directory, or -1. */
async function newestVersion(directory: string): Promise<number> {
  let newest = -1;
  for (const name of await entries(directory)) {
    const match = MANIFEST.exec(name);
    if (match) newest = Math.max(newest, Number(match[1]));
  }
  return newest;
}

function manifestName(version: number): string {
  return `v${String(version).padStart(10, '0')}.json`;
}

function describe(key: SeriesKey): string {
  return `${key.source}:${key.symbol} ${key.timeframe}`;
}

function toInfo(manifest: Manifest): SeriesInfo {
  return {
    source: manifest.source,
    symbol: manifest.symbol,
    timeframe: manifest.timeframe,
    version: manifest.version,
    bars: manifest.bars,
    first: manifest.first,
    last: manifest.last,
    coverage: manifest.coverage.map(([from, to]) => ({ from, to })),
    bytes: manifest.bytes,
    updatedAt: manifest.updatedAt,
    origin: manifest.origin,
  };
}

/** A data file's bars, or null when the file is gone (a newer version replaced it meanwhile). */
async function readData(
  session: DuckDBSession,
  path: string,
  range: TimeRange,
): Promise<Bars | null> {
  try {
    return await session.readBarsFile(path, range);
  } catch (error) {
    if (error instanceof CacheCorruptError) throw error;
    const present = await stat(path).then(
      () => true,
      () => false,
    );
    if (!present) return null;
    throw new CacheCorruptError(path, error instanceof Error ? error.message : String(error));
  }
}

/**
 * Makes `manifest` visible under its version's name, complete or not at all: the text goes to a
 * temporary file first, and link(2) gives it the final name only if no other writer has.
 * @returns false when that version already exists.
 */
async function publish(directory: string, manifest: Manifest, suffix: string): Promise<boolean> {
  const temporary = join(directory, `.v${manifest.version}-${suffix}.tmp`);
  const handle = await open(temporary, 'wx');
  try {
    await handle.writeFile(JSON.stringify(manifest, null, 1));
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(temporary, join(directory, manifestName(manifest.version)));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // ENOENT: a newer commit's clean-up removed the temporary file, so this version is taken too.
    if (code === 'EEXIST' || code === 'ENOENT') return false;
    throw error;
  } finally {
    await unlink(temporary).catch(() => undefined);
  }
  await syncDirectory(directory);
  return true;
}

async function syncDirectory(directory: string): Promise<void> {
  // Makes the new name durable on Linux; some platforms cannot open a directory, which only
  // costs durability across a power cut, not consistency.
  try {
    const handle = await open(directory, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    return;
  }
}

/**
 * Deletes what versions older than `version - 1` left: their manifests, data files, and the
 * temporary files of writers that crashed or lost. The previous version stays for readers that
 * listed the directory just before this commit.
 */
async function collectGarbage(directory: string, version: number): Promise<void> {
  for (const name of await entries(directory)) {
    const match = MANIFEST.exec(name) ?? DATA_FILE.exec(name) ?? TEMP_FILE.exec(name);
    if (match && Number(match[1]) < version - 1) {
      await unlink(join(directory, name)).catch(() => undefined);
    }
  }
}

async function entries(directory: string): Promise<string[]> {
  try {
    return await readdir(directory);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
