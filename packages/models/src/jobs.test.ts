import { describe, expect, expectTypeOf, it } from 'vitest';
import { newId } from './ids.js';
import {
  backtestFlow,
  backtestJobIds,
  JOBS,
  type JobsOfQueue,
  jobSpec,
  parseJobPayload,
  QUEUE_NAMES,
  type QueueHandlers,
  type QueuesWithoutJobs,
} from './jobs.js';

const backtestId = newId();
const symbolJob = {
  backtestId,
  symbol: 'synthetic:DEMO',
  timeframe: '1d' as const,
  start: '2004-08-19',
  end: '2013-03-01',
};

describe('the job catalogue', () => {
  it('puts every job on a known queue and runs something on every queue', () => {
    for (const [name, job] of Object.entries(JOBS)) {
      expect(QUEUE_NAMES, name).toContain(job.queue);
    }
    expect(new Set(Object.values(JOBS).map((job) => job.queue))).toEqual(new Set(QUEUE_NAMES));
    expectTypeOf<QueuesWithoutJobs>().toBeNever();
  });

  it('retries with exponential backoff and bounds what BullMQ keeps', () => {
    for (const [name, job] of Object.entries(JOBS)) {
      expect(job.attempts, name).toBeGreaterThanOrEqual(1);
      expect(job.backoff.type, name).toBe('exponential');
      expect(job.removeOnComplete.count, name).toBeGreaterThan(0);
      expect(job.removeOnFail.age, name).toBeGreaterThanOrEqual(job.removeOnComplete.age ?? 0);
    }
  });

  it('asks a worker for one handler per job of its queue', () => {
    expectTypeOf<JobsOfQueue<'market-data'>>().toEqualTypeOf<'load-bars'>();
    const handlers: QueueHandlers<'simulation'> = {
      'run-simulation': async (payload) => payload.backtestId,
    };
    expect(Object.keys(handlers)).toEqual(['run-simulation']);
    // @ts-expect-error a handler map that misses a job of its queue does not compile
    const missing: QueueHandlers<'indicators'> = {};
    expect(missing).toEqual({});
  });
});

describe('job ids', () => {
  it('derive from the backtest id, and never hold a colon (BullMQ refuses those)', () => {
    expect(backtestJobIds.data(backtestId, 'synthetic:DEMO')).toBe(
      `${backtestId}-data-synthetic~DEMO`,
    );
    expect(backtestJobIds.indicators(backtestId, 'GOOG')).toBe(`${backtestId}-indicators-GOOG`);
    expect(backtestJobIds.simulation(backtestId)).toBe(`${backtestId}-simulation`);
    expect(backtestJobIds.notify(backtestId, 'completed')).toBe(`${backtestId}-notify-completed`);
  });

  it('differ for symbols that differ only by their source', () => {
    expect(backtestJobIds.data(backtestId, 'synthetic:IBM')).not.toBe(
      backtestJobIds.data(backtestId, 'alphavantage:IBM'),
    );
  });
});

describe('jobSpec', () => {
  it('is what Queue#add takes: name, data and options of the catalogue', () => {
    expect(jobSpec('load-bars', symbolJob)).toEqual({
      name: 'load-bars',
      queueName: 'market-data',
      data: symbolJob,
      opts: {
        jobId: `${backtestId}-data-synthetic~DEMO`,
        attempts: JOBS['load-bars'].attempts,
        backoff: JOBS['load-bars'].backoff,
        removeOnComplete: JOBS['load-bars'].removeOnComplete,
        removeOnFail: JOBS['load-bars'].removeOnFail,
      },
    });
  });
});

describe('backtestFlow', () => {
  it('makes the simulation wait for indicators, and indicators for bars, per symbol', () => {
    const flow = backtestFlow(backtestId, { ...symbolJob, symbols: ['GOOG', 'synthetic:DEMO'] });
    expect(flow.name).toBe('run-simulation');
    expect(flow.queueName).toBe('simulation');
    expect(flow.children?.map((child) => child.opts.jobId)).toEqual([
      `${backtestId}-indicators-GOOG`,
      `${backtestId}-indicators-synthetic~DEMO`,
    ]);
    expect(flow.children?.map((child) => child.children?.[0]?.opts.jobId)).toEqual([
      `${backtestId}-data-GOOG`,
      `${backtestId}-data-synthetic~DEMO`,
    ]);
    const children = flow.children!.flatMap((child) => [child, ...(child.children ?? [])]);
    expect(children.map((child) => child.opts.failParentOnFailure)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(flow.opts.failParentOnFailure, 'the root has no parent').toBeUndefined();
  });
});

describe('parseJobPayload', () => {
  it('accepts ids and refuses blobs', () => {
    expect(parseJobPayload('run-simulation', { backtestId })).toEqual({ backtestId });
    expect(() => parseJobPayload('run-simulation', { backtestId, bars: [1, 2, 3] })).toThrow(
      /\/bars is not an allowed property/,
    );
  });

  it('refuses a payload with a bad id at its path', () => {
    expect(() => parseJobPayload('load-bars', { ...symbolJob, backtestId: 'x' })).toThrow(
      /\/backtestId must be a backtest id/,
    );
  });
});
