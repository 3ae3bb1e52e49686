import Type, { type Static, type TSchema } from 'typebox';
import { MarketSymbol, Timeframe } from './schemas/backtest-request.js';
import { TERMINAL_STATUSES } from './schemas/backtest-status.js';
import { Id, IsoDate } from './schemas/common.js';
import { NotificationEvent } from './schemas/notifications.js';
import { parseWithSchema } from './validation.js';

export const QUEUE_NAMES = [
  'market-data',
  'indicators',
  'simulation',
  'notifications',
  'sweeps',
] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

/**
 * BullMQ's `removeOnComplete` / `removeOnFail`: keep at most `count` jobs, none older than `age`
 * s (no limit of age without one: one Redis command less for every job finished).
 */
export interface Retention {
  age?: number;
  count: number;
}

export interface JobDefinition<Q extends QueueName = QueueName, P extends TSchema = TSchema> {
  queue: Q;
  /** Ids, never blobs: a worker reads what it needs from the store and the caches. */
  payload: P;
  attempts: number;
  backoff: { type: 'exponential'; delay: number };
  removeOnComplete: Retention;
  removeOnFail: Retention;
  /** A deterministic id, so adding the same job twice (a retried submit) adds it once. */
  jobId: (payload: Static<P>) => string;
}

/** Keeps a definition's exact queue and payload types, and types `jobId`'s payload from them. */
function defineJob<const Q extends QueueName, P extends TSchema>(
  definition: JobDefinition<Q, P>,
): JobDefinition<Q, P> {
  return definition;
}

const HOUR = 3600;
const DAY = 24 * HOUR;

/**
 * BullMQ forbids `:` in custom job ids (it separates Redis key parts), and a symbol may hold one
 * (`synthetic:DEMO`); `~` is outside the symbol alphabet, so the mapping stays one-to-one.
 */
function symbolKey(symbol: string): string {
  return symbol.replaceAll(':', '~');
}

export const backtestJobIds = {
  data: (backtestId: string, symbol: string) => `${backtestId}-data-${symbolKey(symbol)}`,
  indicators: (backtestId: string, symbol: string) =>
    `${backtestId}-indicators-${symbolKey(symbol)}`,
  simulation: (backtestId: string) => `${backtestId}-simulation`,
  notify: (backtestId: string, status: string) => `${backtestId}-notify-${status}`,
  /** Also the message's `webhook-id`: the same on every attempt, unique per backtest and hook. */
  webhook: (backtestId: string, webhookId: string) => `msg_${backtestId}_${webhookId}`,
  email: (backtestId: string) => `${backtestId}-email`,
};

/**
 * A webhook message is retried with exponential backoff for about a day: with these defaults the
 * waits are 10 s, 20 s, ... 2^12 x 10 s, 22.7 h in all over 14 attempts (operators may change
 * both: WEBHOOK_MAX_ATTEMPTS, WEBHOOK_RETRY_DELAY_MS).
 */
export const WEBHOOK_RETRY = { attempts: 14, delayMs: 10_000 } as const;

export const sweepJobIds = {
  data: (sweepId: string) => `${sweepId}-sweep-data`,
  chunk: (sweepId: string, chunk: number) => `${sweepId}-sweep-chunk-${chunk}`,
  finish: (sweepId: string) => `${sweepId}-sweep-finish`,
  /** The `webhook-id` of the sweep's message to one subscription, as for a backtest. */
  webhook: (sweepId: string, webhookId: string) => `msg_${sweepId}_${webhookId}`,
  email: (sweepId: string) => `${sweepId}-sweep-email`,
};

const SweepJob = Type.Object({ sweepId: Id }, { additionalProperties: false });

const SymbolJob = Type.Object(
  { backtestId: Id, symbol: MarketSymbol, timeframe: Timeframe, start: IsoDate, end: IsoDate },
  { additionalProperties: false },
);

/**
 * Every job Hindsight runs: its queue, payload schema, retry policy and retention. A submit adds
 * one flow: `run-simulation` (parent) <- `compute-indicators` per symbol <- `load-bars` per
 * symbol, so the simulation starts only once every symbol's bars and indicators are cached.
 */
export const JOBS = {
  'load-bars': defineJob({
    queue: 'market-data',
    payload: SymbolJob,
    // Providers fail transiently (rate limits, timeouts): retry longer than the CPU-bound steps.
    attempts: 5,
    backoff: { type: 'exponential', delay: 2_000 },
    removeOnComplete: { age: DAY, count: 1_000 },
    removeOnFail: { age: 7 * DAY, count: 5_000 },
    jobId: (p) => backtestJobIds.data(p.backtestId, p.symbol),
  }),
  'compute-indicators': defineJob({
    queue: 'indicators',
    payload: SymbolJob,
    attempts: 3,
    backoff: { type: 'exponential', delay: 1_000 },
    removeOnComplete: { age: DAY, count: 1_000 },
    removeOnFail: { age: 7 * DAY, count: 5_000 },
    jobId: (p) => backtestJobIds.indicators(p.backtestId, p.symbol),
  }),
  'run-simulation': defineJob({
    queue: 'simulation',
    payload: Type.Object({ backtestId: Id }, { additionalProperties: false }),
    // A deterministic run that failed once fails again; the second attempt covers a lost worker.
    attempts: 2,
    backoff: { type: 'exponential', delay: 5_000 },
    // Every backtest ends here, so the count alone bounds them: no age scan per completion.
    removeOnComplete: { count: 1_000 },
    removeOnFail: { age: 7 * DAY, count: 5_000 },
    jobId: (p) => backtestJobIds.simulation(p.backtestId),
  }),
  'backtest-finished': defineJob({
    queue: 'notifications',
    payload: Type.Object(
      { backtestId: Id, status: Type.Enum(TERMINAL_STATUSES) },
      { additionalProperties: false },
    ),
    attempts: 5,
    backoff: { type: 'exponential', delay: 1_000 },
    removeOnComplete: { age: HOUR, count: 1_000 },
    removeOnFail: { age: 7 * DAY, count: 5_000 },
    jobId: (p) => backtestJobIds.notify(p.backtestId, p.status),
  }),
  /**
   * One message to one subscription, added only when the owner subscribed to the event; about a
   * backtest or a sweep (the id it names).
   */
  'deliver-webhook': defineJob({
    queue: 'notifications',
    payload: Type.Union([
      Type.Object(
        { backtestId: Id, webhookId: Id, event: NotificationEvent },
        { additionalProperties: false },
      ),
      Type.Object(
        { sweepId: Id, webhookId: Id, event: NotificationEvent },
        { additionalProperties: false },
      ),
    ]),
    attempts: WEBHOOK_RETRY.attempts,
    backoff: { type: 'exponential', delay: WEBHOOK_RETRY.delayMs },
    removeOnComplete: { age: DAY, count: 1_000 },
    removeOnFail: { age: 7 * DAY, count: 5_000 },
    jobId: (p) =>
      'sweepId' in p
        ? sweepJobIds.webhook(p.sweepId, p.webhookId)
        : backtestJobIds.webhook(p.backtestId, p.webhookId),
  }),
  /** The owner's e-mail about one event, added only when their settings include it. */
  'send-email': defineJob({
    queue: 'notifications',
    payload: Type.Union([
      Type.Object({ backtestId: Id, event: NotificationEvent }, { additionalProperties: false }),
      Type.Object({ sweepId: Id, event: NotificationEvent }, { additionalProperties: false }),
    ]),
    attempts: 6,
    backoff: { type: 'exponential', delay: 30_000 },
    removeOnComplete: { age: DAY, count: 1_000 },
    removeOnFail: { age: 7 * DAY, count: 5_000 },
    jobId: (p) =>
      'sweepId' in p ? sweepJobIds.email(p.sweepId) : backtestJobIds.email(p.backtestId),
  }),
  // A sweep: `sweep-data` loads the bars once, then adds the flow of `finish-sweep` over every
  // `run-sweep-chunk` (sweepChunkFlow). Chunks keep each cell in the store as they finish, so a
  // retried or stalled chunk computes only the cells still missing.
  'sweep-data': defineJob({
    queue: 'sweeps',
    payload: SweepJob,
    attempts: 5,
    backoff: { type: 'exponential', delay: 2_000 },
    removeOnComplete: { age: DAY, count: 1_000 },
    removeOnFail: { age: 7 * DAY, count: 5_000 },
    jobId: (p) => sweepJobIds.data(p.sweepId),
  }),
  'run-sweep-chunk': defineJob({
    queue: 'sweeps',
    payload: Type.Object(
      { sweepId: Id, chunk: Type.Integer({ minimum: 0 }) },
      { additionalProperties: false },
    ),
    attempts: 3,
    backoff: { type: 'exponential', delay: 1_000 },
    removeOnComplete: { age: DAY, count: 10_000 },
    removeOnFail: { age: 7 * DAY, count: 5_000 },
    jobId: (p) => sweepJobIds.chunk(p.sweepId, p.chunk),
  }),
  'finish-sweep': defineJob({
    queue: 'sweeps',
    payload: SweepJob,
    attempts: 3,
    backoff: { type: 'exponential', delay: 1_000 },
    removeOnComplete: { age: DAY, count: 1_000 },
    removeOnFail: { age: 7 * DAY, count: 5_000 },
    jobId: (p) => sweepJobIds.finish(p.sweepId),
  }),
};

type Jobs = typeof JOBS;
export type JobName = keyof Jobs;
export type JobPayload<N extends JobName> = Static<Jobs[N]['payload']>;
export type JobQueue<N extends JobName> = Jobs[N]['queue'];
/** The names of the jobs that run on queue Q. */
export type JobsOfQueue<Q extends QueueName> = {
  [N in JobName]: Jobs[N]['queue'] extends Q ? N : never;
}[JobName];

/**
 * What a worker of queue Q must provide: one handler for every job of Q, so a job added to the
 * catalogue without a handler fails to compile where the worker builds this map.
 */
export type QueueHandlers<Q extends QueueName, Context = unknown, Result = unknown> = {
  [N in JobsOfQueue<Q>]: (payload: JobPayload<N>, context: Context) => Promise<Result>;
};

/** Queues no job runs on; jobs.test.ts pins this to never. */
export type QueuesWithoutJobs = Exclude<QueueName, Jobs[JobName]['queue']>;

/** The options BullMQ's `Queue#add` / `FlowProducer#add` takes for one job (shape of JobsOptions). */
export interface JobOptions {
  jobId: string;
  attempts: number;
  backoff: { type: 'exponential'; delay: number };
  removeOnComplete: Retention;
  removeOnFail: Retention;
  /** For a flow child: failing for good fails its parent, instead of leaving it waiting forever. */
  failParentOnFailure?: boolean;
  /** For a flow child: failing for good lets its parent run anyway. */
  ignoreDependencyOnFailure?: boolean;
}

/** One job ready for BullMQ: `queue.add(job.name, job.data, job.opts)` or a flow node. */
export interface JobSpec<N extends JobName = JobName> {
  name: N;
  queueName: JobQueue<N>;
  data: JobPayload<N>;
  opts: JobOptions;
}

export function jobSpec<N extends JobName>(name: N, data: JobPayload<N>): JobSpec<N> {
  const definition = JOBS[name] as JobDefinition as JobDefinition<JobQueue<N>>;
  return {
    name,
    queueName: definition.queue,
    data,
    opts: {
      jobId: definition.jobId(data),
      attempts: definition.attempts,
      backoff: { ...definition.backoff },
      removeOnComplete: { ...definition.removeOnComplete },
      removeOnFail: { ...definition.removeOnFail },
    },
  };
}

/** A worker's first step: the job's data checked against its payload schema. */
export function parseJobPayload<N extends JobName>(name: N, data: unknown): JobPayload<N> {
  const definition = JOBS[name];
  if (!definition) throw new TypeError(`unknown job '${String(name)}'`);
  return parseWithSchema(definition.payload, data) as JobPayload<N>;
}

export function isJobName(name: string): name is JobName {
  return Object.hasOwn(JOBS, name);
}

/** A node of a BullMQ flow (the shape of `FlowJob`): children finish before their parent starts. */
export interface FlowNode extends JobSpec {
  children?: FlowNode[];
}

function asChild<N extends JobName>(spec: JobSpec<N>): JobSpec<N> {
  return { ...spec, opts: { ...spec.opts, failParentOnFailure: true } };
}

/**
 * The flow one submit adds: `run-simulation` waits for `compute-indicators` of every symbol,
 * each of which waits for `load-bars` of its symbol - or, with `loadBars: false` (the bars are
 * cached), for nothing. All ids derive from the backtest id, and a child that fails for good
 * fails the chain up to the simulation, whose failure ends the backtest.
 */
export function backtestFlow(
  backtestId: string,
  config: {
    symbols: readonly string[];
    timeframe: JobPayload<'load-bars'>['timeframe'];
    start: string;
    end: string;
  },
  options: { loadBars: boolean } = { loadBars: true },
): FlowNode {
  return {
    ...jobSpec('run-simulation', { backtestId }),
    children: config.symbols.map((symbol) => {
      const data = {
        backtestId,
        symbol,
        timeframe: config.timeframe,
        start: config.start,
        end: config.end,
      };
      const indicators = asChild(jobSpec('compute-indicators', data));
      if (!options.loadBars) return indicators;
      return { ...indicators, children: [asChild(jobSpec('load-bars', data))] };
    }),
  };
}

/**
 * What `sweep-data` adds once the bars are cached: `finish-sweep` waiting for every chunk. A chunk
 * that fails for good does not fail the sweep's other chunks; finish-sweep then reports it.
 */
export function sweepChunkFlow(sweepId: string, chunks: number): FlowNode {
  return {
    ...jobSpec('finish-sweep', { sweepId }),
    children: Array.from({ length: chunks }, (_, chunk) => {
      const spec = jobSpec('run-sweep-chunk', { sweepId, chunk });
      return { ...spec, opts: { ...spec.opts, ignoreDependencyOnFailure: true } };
    }),
  };
}
