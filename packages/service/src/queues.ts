import {
  type ApiKeyTier,
  type BacktestRecord,
  backtestFlow,
  type FlowNode,
  jobSpec,
  QUEUE_NAMES,
  type QueueName,
} from '@hindsight/models';
import { type FlowJob, FlowProducer, Queue } from 'bullmq';
import type { Redis } from 'ioredis';

/**
 * BullMQ priority per tier: lower runs first, so pro work overtakes a queue of free work. Pro's
 * 0 is BullMQ's plain waiting list, which a worker takes from before any prioritized job: the
 * same order as a priority of 1, for fewer Redis commands per job (no priority counter, no
 * sorted set) on the busiest tier.
 */
export const TIER_PRIORITY: Readonly<Record<ApiKeyTier, number>> = Object.freeze({
  pro: 0,
  basic: 5,
  free: 10,
});

export interface Queues {
  queues: Record<QueueName, Queue>;
  flows: FlowProducer;
  /** Closes the queues and the flow producer; the connection stays open (its owner closes it). */
  close(): Promise<void>;
}

/** One Queue per catalogue queue and the FlowProducer submits use, all on one connection. */
export function createQueues(connection: Redis, prefix: string): Queues {
  const queues = Object.fromEntries(
    QUEUE_NAMES.map((name) => [name, new Queue(name, { connection, prefix })]),
  ) as Record<QueueName, Queue>;
  const flows = new FlowProducer({ connection, prefix });
  return {
    queues,
    flows,
    async close() {
      await Promise.all([...Object.values(queues).map((queue) => queue.close()), flows.close()]);
    },
  };
}

export function toFlowJob(node: FlowNode, priority: number): FlowJob {
  const job: FlowJob = {
    name: node.name,
    queueName: node.queueName,
    data: node.data,
    opts: { ...node.opts, priority },
  };
  if (node.children && node.children.length > 0) {
    return { ...job, children: node.children.map((child) => toFlowJob(child, priority)) };
  }
  return job;
}

export interface EnqueueOptions {
  /** BullMQ priority of every job of the flow; see TIER_PRIORITY. */
  priority: number;
  /**
   * Every symbol's bars are known to be cached (see BarsCachedHints): the simulation job alone
   * does the work - it loads the bars and checks the strategy fits them itself - so the data and
   * indicators jobs, and the flow bookkeeping between them, are skipped.
   */
  barsCached?: boolean;
  /**
   * With cached bars, the indicators step still runs as its own job first (computing and storing
   * each series, see compute-indicators): worth it only for long runs (INDICATORS_JOB_MIN_BARS).
   */
  indicatorsJob?: boolean;
}

/**
 * Adds the backtest's jobs: with cold bars the whole flow (simulation <- indicators <- bars per
 * symbol), so a slow or failing fetch retries on the market-data queue and holds no simulation
 * slot; with cached bars the `run-simulation` job alone, or after the indicators jobs when
 * `indicatorsJob` asks for them. Job ids derive from the backtest id, so enqueueing the same
 * backtest again (any way) adds nothing.
 */
export async function enqueueBacktest(
  queues: Pick<Queues, 'queues' | 'flows'>,
  record: Pick<BacktestRecord, 'id' | 'config'>,
  options: EnqueueOptions,
): Promise<void> {
  if (options.barsCached && !options.indicatorsJob) {
    const spec = jobSpec('run-simulation', { backtestId: record.id });
    await queues.queues.simulation.add(spec.name, spec.data, {
      ...spec.opts,
      priority: options.priority,
    });
    return;
  }
  const flow = backtestFlow(record.id, record.config, { loadBars: !options.barsCached });
  await queues.flows.add(toFlowJob(flow, options.priority));
}
