import {
  type BacktestStatus,
  isTerminalStatus,
  newId,
  nowIso,
  type SweepCellRecord,
  type SweepRecord,
} from '@hindsight/models';
import { type Connection, type Model, Schema } from 'mongoose';
import { checkListLimit, checkPageSize } from './inputs.js';
import {
  type CachedSweepCell,
  MAX_CELL_PAGE,
  type NewSweep,
  type SweepCellCounts,
  type SweepPage,
  type SweepTransition,
} from './store.js';
import { decodeSweepCursor, sweepCursorAfter } from './sweep-cursor.js';

interface SweepDoc {
  _id: string;
  ownerId: string;
  status: BacktestStatus;
  /** ISO text: sorts as the instant does. */
  createdAt: string;
  record: SweepRecord;
}

interface CellDoc {
  sweepId: string;
  index: number;
  status: SweepCellRecord['status'];
  cell: SweepCellRecord;
}

interface CacheDoc {
  _id: string;
  cell: Pick<CachedSweepCell, 'stats' | 'trial'>;
}

/** A cached cell's in-sample scores under one walk-forward scoring. */
interface ScoresDoc {
  fingerprint: string;
  scoring: string;
  values: Array<number | null>;
}

const options = { versionKey: false, minimize: false, strict: 'throw', autoIndex: false } as const;

const sweepSchema = new Schema<SweepDoc>(
  {
    _id: { type: String },
    ownerId: { type: String },
    status: { type: String },
    createdAt: { type: String },
    record: { type: Schema.Types.Mixed },
  },
  { ...options, collection: 'sweeps' },
);
sweepSchema.index({ ownerId: 1, createdAt: -1, _id: -1 });
sweepSchema.index({ ownerId: 1, status: 1 });

const cellSchema = new Schema<CellDoc>(
  {
    sweepId: { type: String },
    index: { type: Number },
    status: { type: String },
    cell: { type: Schema.Types.Mixed },
  },
  { ...options, collection: 'sweep_cells' },
);
cellSchema.index({ sweepId: 1, index: 1 }, { unique: true });

const cacheSchema = new Schema<CacheDoc>(
  { _id: { type: String }, cell: { type: Schema.Types.Mixed } },
  { ...options, collection: 'sweep_cell_cache' },
);

const scoresSchema = new Schema<ScoresDoc>(
  {
    fingerprint: { type: String },
    scoring: { type: String },
    values: { type: Schema.Types.Mixed },
  },
  { ...options, collection: 'sweep_in_sample_cache' },
);
scoresSchema.index({ fingerprint: 1, scoring: 1 }, { unique: true });

/** How often a transition re-reads after losing a race to another writer before giving up. */
const TRANSITION_RETRIES = 5;

/** The sweep half of MongoStore: the record whole in one document, cells one document each. */
export class MongoSweeps {
  private constructor(
    private readonly sweeps: Model<SweepDoc>,
    private readonly cells: Model<CellDoc>,
    private readonly cache: Model<CacheDoc>,
    private readonly scores: Model<ScoresDoc>,
  ) {}

  static async open(connection: Connection): Promise<MongoSweeps> {
    const sweeps = connection.model<SweepDoc>('Sweep', sweepSchema);
    const cells = connection.model<CellDoc>('SweepCell', cellSchema);
    const cache = connection.model<CacheDoc>('SweepCellCache', cacheSchema);
    const scores = connection.model<ScoresDoc>('SweepInSampleCache', scoresSchema);
    await Promise.all([
      sweeps.createIndexes(),
      cells.createIndexes(),
      cache.createIndexes(),
      scores.createIndexes(),
    ]);
    return new MongoSweeps(sweeps, cells, cache, scores);
  }

  async create(input: NewSweep): Promise<SweepRecord> {
    const now = nowIso();
    const record: SweepRecord = {
      id: newId(),
      ownerId: input.ownerId,
      name: input.name,
      config: input.config,
      status: 'queued',
      fingerprint: input.fingerprint,
      combos: input.combos,
      chunks: input.chunks,
      summary: null,
      error: null,
      createdAt: now,
      updatedAt: now,
      startedAt: null,
      finishedAt: null,
    };
    await this.sweeps.create({
      _id: record.id,
      ownerId: record.ownerId,
      status: record.status,
      createdAt: record.createdAt,
      record,
    });
    return record;
  }

  async get(id: string): Promise<SweepRecord | null> {
    const doc = await this.sweeps.findById(id).lean<SweepDoc>().exec();
    return doc ? doc.record : null;
  }

  async list(ownerId: string, query: { limit: number; cursor?: string }): Promise<SweepPage> {
    checkListLimit(query.limit);
    const after = query.cursor === undefined ? null : decodeSweepCursor(query.cursor);
    const filter =
      after === null
        ? { ownerId }
        : {
            ownerId,
            $or: [
              { createdAt: { $lt: after.createdAt } },
              { createdAt: after.createdAt, _id: { $lt: after.id } },
            ],
          };
    const docs = await this.sweeps
      .find(filter)
      .sort({ createdAt: -1, _id: -1 })
      .limit(query.limit + 1)
      .lean<SweepDoc[]>()
      .exec();
    const items = docs.slice(0, query.limit).map((doc) => doc.record);
    const nextCursor =
      docs.length > query.limit ? sweepCursorAfter(items[items.length - 1]!) : null;
    return { items, nextCursor };
  }

  countActive(ownerId: string): Promise<number> {
    return this.sweeps.countDocuments({ ownerId, status: { $in: ['queued', 'running'] } }).exec();
  }

  /** Read, then write on the condition that nothing changed since: a lost race reads again. */
  async transition(id: string, transition: SweepTransition): Promise<SweepRecord | null> {
    for (let attempt = 0; attempt < TRANSITION_RETRIES; attempt++) {
      const doc = await this.sweeps.findById(id).lean<SweepDoc>().exec();
      if (!doc || isTerminalStatus(doc.status) || !transition.from.includes(doc.status)) {
        return null;
      }
      const record = doc.record;
      const now = nowIso();
      const next: SweepRecord = {
        ...record,
        status: transition.to,
        updatedAt: now,
        ...(transition.patch?.summary === undefined ? {} : { summary: transition.patch.summary }),
        ...(transition.patch?.error === undefined ? {} : { error: transition.patch.error }),
        startedAt: transition.to === 'running' ? (record.startedAt ?? now) : record.startedAt,
        finishedAt: isTerminalStatus(transition.to) ? now : record.finishedAt,
      };
      const written = await this.sweeps
        .updateOne(
          { _id: id, status: doc.status, 'record.updatedAt': record.updatedAt },
          { $set: { status: next.status, record: next } },
        )
        .exec();
      if (written.modifiedCount === 1) return next;
    }
    return null;
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.sweeps.deleteOne({ _id: id }).exec();
    await this.cells.deleteMany({ sweepId: id }).exec();
    return result.deletedCount > 0;
  }

  async putCells(sweepId: string, cells: readonly SweepCellRecord[]): Promise<void> {
    if (cells.length === 0) return;
    // $setOnInsert: a cell written before (a retried chunk) stays as it is.
    await this.cells.bulkWrite(
      cells.map((cell) => ({
        updateOne: {
          filter: { sweepId, index: cell.index },
          update: { $setOnInsert: { sweepId, index: cell.index, status: cell.status, cell } },
          upsert: true,
        },
      })),
      { ordered: false },
    );
    const completed = cells.filter((cell) => cell.status === 'completed');
    if (completed.length === 0) return;
    await this.cache.bulkWrite(
      completed.map((cell) => ({
        updateOne: {
          filter: { _id: cell.fingerprint },
          update: { $setOnInsert: { cell: { stats: cell.stats, trial: cell.trial } } },
          upsert: true,
        },
      })),
      { ordered: false },
    );
    const scored = completed.filter((cell) => cell.inSample !== undefined);
    if (scored.length === 0) return;
    await this.scores.bulkWrite(
      scored.map(({ fingerprint, inSample }) => ({
        updateOne: {
          filter: { fingerprint, scoring: inSample!.scoring },
          update: { $setOnInsert: { values: inSample!.values } },
          upsert: true,
        },
      })),
      { ordered: false },
    );
  }

  async listCells(
    sweepId: string,
    query: { afterIndex: number; limit: number },
  ): Promise<SweepCellRecord[]> {
    checkPageSize('/limit', query.limit, MAX_CELL_PAGE);
    const docs = await this.cells
      .find({ sweepId, index: { $gt: query.afterIndex } })
      .sort({ index: 1 })
      .limit(query.limit)
      .lean<CellDoc[]>()
      .exec();
    return docs.map((doc) => doc.cell);
  }

  async countCells(sweepId: string): Promise<SweepCellCounts> {
    const counts: SweepCellCounts = { completed: 0, failed: 0, skipped: 0 };
    const rows = await this.cells
      .aggregate<{ _id: keyof SweepCellCounts; n: number }>([
        { $match: { sweepId } },
        { $group: { _id: '$status', n: { $sum: 1 } } },
      ])
      .exec();
    for (const row of rows) counts[row._id] = row.n;
    return counts;
  }

  async findCached(
    fingerprints: readonly string[],
    scoring?: string,
  ): Promise<Map<string, CachedSweepCell>> {
    const [docs, scored] = await Promise.all([
      this.cache
        .find({ _id: { $in: [...fingerprints] } })
        .lean<CacheDoc[]>()
        .exec(),
      scoring === undefined
        ? []
        : this.scores
            .find({ scoring, fingerprint: { $in: [...fingerprints] } })
            .lean<ScoresDoc[]>()
            .exec(),
    ]);
    const values = new Map(scored.map((doc) => [doc.fingerprint, doc.values]));
    return new Map(
      docs.map((doc) => {
        const found = values.get(doc._id);
        const cell: CachedSweepCell = { ...doc.cell };
        if (found) cell.inSample = { scoring: scoring!, values: found };
        return [doc._id, cell];
      }),
    );
  }
}
