import { jobSpec, type SweepRecord, sweepChunkFlow, sweepJobIds } from '@hindsight/models';
import type { Queues } from './queues.js';
import { toFlowJob } from './queues.js';

/**
 * Adds a sweep's first job, `sweep-data`, which loads the bars once and then adds the chunks
 * (addSweepChunks). The job id derives from the sweep id, so adding it again adds nothing.
 */
export async function enqueueSweep(
  queues: Pick<Queues, 'queues'>,
  record: Pick<SweepRecord, 'id'>,
  priority: number,
): Promise<void> {
  const spec = jobSpec('sweep-data', { sweepId: record.id });
  await queues.queues.sweeps.add(spec.name, spec.data, { ...spec.opts, priority });
}

/** `finish-sweep` over every `run-sweep-chunk` of the sweep, ids derived from the sweep id. */
export async function addSweepChunks(
  queues: Pick<Queues, 'flows'>,
  record: Pick<SweepRecord, 'id' | 'chunks'>,
  priority: number,
): Promise<void> {
  await queues.flows.add(toFlowJob(sweepChunkFlow(record.id, record.chunks), priority));
}

/** Every job id a sweep may have, for removing them (cancel, delete). */
export function sweepJobIdsOf(record: Pick<SweepRecord, 'id' | 'chunks'>): string[] {
  return [
    sweepJobIds.data(record.id),
    sweepJobIds.finish(record.id),
    ...Array.from({ length: record.chunks }, (_, k) => sweepJobIds.chunk(record.id, k)),
  ];
}
