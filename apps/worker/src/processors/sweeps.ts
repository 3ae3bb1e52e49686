import {
  prepareSweepSymbols,
  runSweepChunk,
  type SweepCell,
  type SweepPlan,
} from '@hindsight/backtest';
import { getStrategy, SimulationAbortedError } from '@hindsight/engine';
import {
  comboRequest,
  fingerprintConfig,
  isTerminalStatus,
  type QueueHandlers,
  type SweepCellRecord,
  type SweepRecord,
  toSimulationConfig,
} from '@hindsight/models';
import { addSweepChunks, fingerprintSalt } from '@hindsight/service';
import type { CachedSweepCell } from '@hindsight/store';
import { FlowProducer } from 'bullmq';
import type { WorkerDeps } from '../deps.js';
import type { JobContext } from '../job-context.js';
import { loadSweepBars } from '../sweep-bars.js';
import { publishSweepProgress } from '../sweep-events.js';
import { endSweep, finishSweep, refusal, sweepCombos } from '../sweep-summary.js';
import { checkSweepWalkForward, inSampleScorer, sweepScoring } from '../sweep-walk-forward.js';

/**
 * The most cells computed, and the longest time spent (a walk-forward sweep's in-sample scoring
 * included), between two looks at the sweep's status and two writes of finished cells: a cancel
 * takes effect, and a lost worker's finished cells survive it, within about a second even on long
 * series.
 */
const CELLS_PER_WRITE = 64;
const WRITE_INTERVAL_MS = 1_000;

/**
 * What one run of a chunk did with its combinations: computed them, reused them from the cell
 * cache (another sweep, or a resubmit, computed them), or found them already written by an
 * earlier run of this chunk (a worker lost mid-chunk); and, in a walk-forward sweep, how many it
 * scored in sample (those computed, and those reused without scores under the sweep's scoring).
 * Logged, and the job's return value.
 */
interface ChunkCounts {
  computed: number;
  reused: number;
  resumed: number;
  scored: number;
}

/**
 * The `sweeps` queue: `sweep-data` loads each symbol's bars into the cache once and adds the
 * chunk flow; each `run-sweep-chunk` runs its share of the combinations on bars loaded once,
 * skipping those the cell cache already holds; `finish-sweep` ranks and completes the sweep.
 * Chunks are short (SWEEP_CHUNK_BARS), so they run on the worker's event loop between lock renewals.
 */
export function sweepsHandlers(deps: WorkerDeps): QueueHandlers<'sweeps', JobContext> {
  const flows = new FlowProducer({ connection: deps.redis, prefix: deps.config.QUEUE_PREFIX });
  return {
    'sweep-data': async ({ sweepId }, { job, signal, log }) => {
      const record = await activeSweep(deps, sweepId);
      if (!record) return { sweepId, skipped: true };
      await deps.store.transitionSweep(sweepId, { from: ['queued'], to: 'running' });
      try {
        const { symbols } = await loadSweepBars(deps, record, signal);
        await checkSweepWalkForward(record, sweepCombos(record), symbols);
      } catch (error) {
        const failure = refusal(error, ['HS_ERR_SYMBOL_NOT_FOUND', 'HS_ERR_WALK_FORWARD_WINDOWS']);
        if (!failure) throw error;
        await endSweep(deps, sweepId, 'failed', { error: failure });
        return { sweepId, failed: true };
      }
      // The chunks inherit the tier's priority the api gave this job.
      const priority = (job.opts as { priority?: number }).priority ?? 0;
      await addSweepChunks({ flows }, record, priority);
      log.info({ chunks: record.chunks }, 'sweep chunks added');
      return { sweepId, chunks: record.chunks };
    },
    'run-sweep-chunk': async ({ sweepId, chunk }, { signal, log }) => {
      const record = await activeSweep(deps, sweepId);
      if (!record) return { sweepId, chunk, skipped: true };
      const plan = sweepCombos(record);
      if (chunk === 0 && plan.skipped.length > 0) {
        await deps.store.putSweepCells(
          sweepId,
          plan.skipped.map((c) => skippedCell(record, c)),
        );
      }
      const mine = chunkOf(plan, record.chunks, chunk);
      log.info(
        { chunk, combos: mine.length, first: mine[0]?.index, last: mine.at(-1)?.index },
        'sweep chunk started',
      );
      let counts: ChunkCounts;
      try {
        counts = await runCells(deps, record, mine, signal, eventError(log));
      } catch (error) {
        // Checked before any chunk ran (sweep-data), so not expected here; but were it, a retry
        // would fail alike: the sweep fails as a walk-forward failure at the end would.
        const failure = refusal(error, ['HS_ERR_WALK_FORWARD_WINDOWS']);
        if (!failure) throw error;
        await endSweep(deps, sweepId, 'failed', { error: failure });
        return { sweepId, chunk, failed: true };
      }
      log.info({ chunk, ...counts }, 'sweep chunk done');
      return { sweepId, chunk, ...counts };
    },
    'finish-sweep': async ({ sweepId }, { signal, log }) => {
      const status = await finishSweep(deps, sweepId, signal);
      log.info({ status }, 'sweep finished');
      return { sweepId, status };
    },
  };
}

/** The sweep unless it is gone or already ended (cancelled, say): then the job has nothing to do. */
async function activeSweep(deps: WorkerDeps, sweepId: string): Promise<SweepRecord | null> {
  const record = await deps.store.getSweep(sweepId);
  return record && !isTerminalStatus(record.status) ? record : null;
}

/** The live channel is best effort: a failed publish is logged, never fails the job. */
function eventError(log: JobContext['log']): (error: unknown) => void {
  return (error) => log.warn({ err: error }, 'sweep event not published');
}

/** Chunk k of the runnable combinations: contiguous, as even as the division allows. */
function chunkOf(plan: SweepPlan, chunks: number, chunk: number): SweepPlan['runnable'] {
  const size = Math.ceil(plan.runnable.length / chunks);
  return plan.runnable.slice(chunk * size, (chunk + 1) * size);
}

/** The indices among `combos` an earlier attempt of this chunk already wrote. */
async function writtenCells(
  deps: WorkerDeps,
  sweepId: string,
  combos: SweepPlan['runnable'],
): Promise<Set<number>> {
  const done = new Set<number>();
  if (combos.length === 0) return done;
  const mine = new Set(combos.map((c) => c.index));
  const last = combos[combos.length - 1]!.index;
  let after = combos[0]!.index - 1;
  while (after < last) {
    const page = await deps.store.listSweepCells(sweepId, { afterIndex: after, limit: 1_000 });
    for (const cell of page) if (mine.has(cell.index)) done.add(cell.index);
    if (page.length < 1_000) break;
    after = page[page.length - 1]!.index;
  }
  return done;
}

/**
 * The fingerprint a cell is cached under. Bars of no settled version get a fingerprint of their
 * own (the sweep's id), so their cells are kept but never reused by another sweep.
 */
function cellFingerprint(
  record: SweepRecord,
  params: Record<string, unknown>,
  dataVersions: ReadonlyArray<string | null>,
): string {
  const versions = dataVersions.map((v) => v ?? `unsettled ${record.id}`);
  return fingerprintConfig(comboRequest(record.config, params), fingerprintSalt(), versions);
}

function skippedCell(record: SweepRecord, combo: SweepPlan['skipped'][number]): SweepCellRecord {
  return {
    index: combo.index,
    fingerprint: cellFingerprint(record, combo.params, []),
    params: combo.params,
    status: 'skipped',
    stats: null,
    trial: null,
    error: combo.reason,
  };
}

/**
 * Runs the combinations whose cells are neither cached (by fingerprint, unless the request says
 * `cache: false`) nor already written by an earlier attempt of this chunk, writing cells as they
 * finish; stops at once when the sweep ends meanwhile (a cancel). In a walk-forward sweep each
 * cell is written with its in-sample scores: reused from the cache when cached under the sweep's
 * scoring, else computed here (a cached cell's stats are reused all the same).
 */
async function runCells(
  deps: WorkerDeps,
  record: SweepRecord,
  combos: SweepPlan['runnable'],
  signal: AbortSignal | undefined,
  onEventError: (error: unknown) => void,
): Promise<ChunkCounts> {
  const { symbols, dataVersions } = await loadSweepBars(deps, record, signal);
  const fingerprints = combos.map((c) => cellFingerprint(record, c.params, dataVersions));
  const done = await writtenCells(deps, record.id, combos);
  const scoring = sweepScoring(record);
  const cached = record.config.cache
    ? await deps.store.findCachedSweepCells(fingerprints, scoring)
    : new Map<string, CachedSweepCell>();
  const reused: SweepCellRecord[] = [];
  const todo: Array<{
    combo: SweepPlan['runnable'][number];
    fingerprint: string;
    /** Cached without in-sample scores under the sweep's scoring: only those are computed. */
    hit?: CachedSweepCell;
  }> = [];
  combos.forEach((combo, i) => {
    if (done.has(combo.index)) return;
    const fingerprint = fingerprints[i]!;
    const hit = cached.get(fingerprint);
    if (hit && (scoring === undefined || hit.inSample !== undefined)) {
      reused.push({ ...combo, fingerprint, status: 'completed', ...hit, error: null });
    } else {
      todo.push({ combo, fingerprint, ...(hit ? { hit } : {}) });
    }
  });
  const counts: ChunkCounts = {
    computed: 0,
    reused: reused.length,
    resumed: done.size,
    scored: 0,
  };
  if (reused.length > 0) {
    await deps.store.putSweepCells(record.id, reused);
    await publishSweepProgress(deps, record, onEventError);
  }
  const strategy = getStrategy(record.config.strategy.name);
  const simulation = toSimulationConfig(record.config);
  const bars = prepareSweepSymbols(symbols);
  const score = inSampleScorer(record, bars);
  let next = 0;
  while (next < todo.length) {
    if (!(await activeSweep(deps, record.id))) break;
    const started = performance.now();
    const written: SweepCellRecord[] = [];
    try {
      while (
        next < todo.length &&
        written.length < CELLS_PER_WRITE &&
        performance.now() - started < WRITE_INTERVAL_MS
      ) {
        const { combo, fingerprint, hit } = todo[next++]!;
        const cell: SweepCellRecord = hit
          ? { ...combo, fingerprint, status: 'completed', ...hit, error: null }
          : storedCell(
              fingerprint,
              runSweepChunk({
                strategy,
                bars,
                simulation,
                combos: [combo],
                ...(signal === undefined ? {} : { signal }),
              })[0]!,
            );
        if (score) cell.inSample = score(combo);
        written.push(cell);
      }
    } catch (error) {
      if (error instanceof SimulationAbortedError) break;
      throw error;
    }
    await deps.store.putSweepCells(record.id, written);
    for (const cell of written) {
      if (cell.inSample) counts.scored++;
      if (cached.has(cell.fingerprint)) counts.reused++;
      else counts.computed++;
    }
    await publishSweepProgress(deps, record, onEventError);
    // Let the lock renewal and other jobs' I/O run between batches.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return counts;
}

function storedCell(fingerprint: string, cell: SweepCell): SweepCellRecord {
  return {
    index: cell.index,
    fingerprint,
    params: cell.params,
    status: cell.status,
    stats: cell.status === 'completed' ? { ...cell.stats } : null,
    trial: cell.status === 'completed' ? { ...cell.trial } : null,
    error: cell.status === 'failed' ? cell.error : null,
  };
}
