import {
  type BacktestStatus,
  isTerminalStatus,
  newId,
  nowIso,
  type SweepCellRecord,
  type SweepRecord,
} from '@hindsight/models';
import type Database from 'better-sqlite3';
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

/** Additive to the backtests' schema: CREATE IF NOT EXISTS, so older files gain the tables. */
export const SWEEP_SCHEMA = `
CREATE TABLE IF NOT EXISTS sweeps (
  id TEXT PRIMARY KEY,
  owner_id TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at TEXT NOT NULL,
  record TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS sweeps_owner_created ON sweeps (owner_id, created_at, id);
CREATE INDEX IF NOT EXISTS sweeps_owner_status ON sweeps (owner_id, status);
CREATE TABLE IF NOT EXISTS sweep_cells (
  sweep_id TEXT NOT NULL,
  idx INTEGER NOT NULL,
  status TEXT NOT NULL,
  cell TEXT NOT NULL,
  PRIMARY KEY (sweep_id, idx)
) STRICT, WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sweep_cell_cache (
  fingerprint TEXT PRIMARY KEY,
  cell TEXT NOT NULL
) STRICT, WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sweep_in_sample_cache (
  fingerprint TEXT NOT NULL,
  scoring TEXT NOT NULL,
  scores TEXT NOT NULL,
  PRIMARY KEY (fingerprint, scoring)
) STRICT, WITHOUT ROWID;
`;

type Run = <T>(work: () => T) => Promise<T>;

/**
 * The sweep half of SqliteStore: the record as one JSON column (its fields are read and written
 * whole; owner, status and creation time are columns for the queries), cells by (sweep, index).
 */
export class SqliteSweeps {
  constructor(
    private readonly db: Database.Database,
    private readonly run: Run,
  ) {}

  private read(id: string): SweepRecord | null {
    const row = this.db.prepare('SELECT record FROM sweeps WHERE id = ?').get(id) as
      | { record: string }
      | undefined;
    return row ? (JSON.parse(row.record) as SweepRecord) : null;
  }

  private write(record: SweepRecord): void {
    this.db
      .prepare(
        `INSERT INTO sweeps (id, owner_id, status, created_at, record) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET status = excluded.status, record = excluded.record`,
      )
      .run(record.id, record.ownerId, record.status, record.createdAt, JSON.stringify(record));
  }

  create(input: NewSweep): Promise<SweepRecord> {
    return this.run(() => {
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
      this.write(record);
      return record;
    });
  }

  get(id: string): Promise<SweepRecord | null> {
    return this.run(() => this.read(id));
  }

  list(ownerId: string, query: { limit: number; cursor?: string }): Promise<SweepPage> {
    return this.run(() => {
      checkListLimit(query.limit);
      const after = query.cursor === undefined ? null : decodeSweepCursor(query.cursor);
      const rows = (
        after === null
          ? this.db
              .prepare(
                'SELECT record FROM sweeps WHERE owner_id = ? ORDER BY created_at DESC, id DESC LIMIT ?',
              )
              .all(ownerId, query.limit + 1)
          : this.db
              .prepare(
                `SELECT record FROM sweeps WHERE owner_id = ? AND (created_at < ? OR (created_at = ? AND id < ?))
                 ORDER BY created_at DESC, id DESC LIMIT ?`,
              )
              .all(ownerId, after.createdAt, after.createdAt, after.id, query.limit + 1)
      ) as Array<{ record: string }>;
      const items = rows.slice(0, query.limit).map((row) => JSON.parse(row.record) as SweepRecord);
      const nextCursor =
        rows.length > query.limit ? sweepCursorAfter(items[items.length - 1]!) : null;
      return { items, nextCursor };
    });
  }

  countActive(ownerId: string): Promise<number> {
    return this.run(
      () =>
        (
          this.db
            .prepare(
              "SELECT COUNT(*) AS n FROM sweeps WHERE owner_id = ? AND status IN ('queued', 'running')",
            )
            .get(ownerId) as { n: number }
        ).n,
    );
  }

  transition(id: string, transition: SweepTransition): Promise<SweepRecord | null> {
    return this.run(() =>
      this.db
        .transaction((): SweepRecord | null => {
          const record = this.read(id);
          if (!record || !allowed(record.status, transition.from)) return null;
          const now = nowIso();
          const next: SweepRecord = {
            ...record,
            status: transition.to,
            updatedAt: now,
            ...(transition.patch?.summary === undefined
              ? {}
              : { summary: transition.patch.summary }),
            ...(transition.patch?.error === undefined ? {} : { error: transition.patch.error }),
            startedAt: transition.to === 'running' ? (record.startedAt ?? now) : record.startedAt,
            finishedAt: isTerminalStatus(transition.to) ? now : record.finishedAt,
          };
          this.write(next);
          return next;
        })
        .immediate(),
    );
  }

  delete(id: string): Promise<boolean> {
    return this.run(() =>
      this.db.transaction(() => {
        this.db.prepare('DELETE FROM sweep_cells WHERE sweep_id = ?').run(id);
        return this.db.prepare('DELETE FROM sweeps WHERE id = ?').run(id).changes > 0;
      })(),
    );
  }

  putCells(sweepId: string, cells: readonly SweepCellRecord[]): Promise<void> {
    return this.run(() => {
      const cell = this.db.prepare(
        'INSERT OR IGNORE INTO sweep_cells (sweep_id, idx, status, cell) VALUES (?, ?, ?, ?)',
      );
      const cache = this.db.prepare(
        'INSERT OR IGNORE INTO sweep_cell_cache (fingerprint, cell) VALUES (?, ?)',
      );
      const scores = this.db.prepare(
        'INSERT OR IGNORE INTO sweep_in_sample_cache (fingerprint, scoring, scores) VALUES (?, ?, ?)',
      );
      this.db.transaction(() => {
        for (const c of cells) {
          cell.run(sweepId, c.index, c.status, JSON.stringify(c));
          if (c.status !== 'completed') continue;
          cache.run(c.fingerprint, JSON.stringify({ stats: c.stats, trial: c.trial }));
          if (c.inSample) {
            scores.run(c.fingerprint, c.inSample.scoring, JSON.stringify(c.inSample.values));
          }
        }
      })();
    });
  }

  listCells(
    sweepId: string,
    query: { afterIndex: number; limit: number },
  ): Promise<SweepCellRecord[]> {
    return this.run(() => {
      checkPageSize('/limit', query.limit, MAX_CELL_PAGE);
      return (
        this.db
          .prepare(
            'SELECT cell FROM sweep_cells WHERE sweep_id = ? AND idx > ? ORDER BY idx LIMIT ?',
          )
          .all(sweepId, query.afterIndex, query.limit) as Array<{ cell: string }>
      ).map((row) => JSON.parse(row.cell) as SweepCellRecord);
    });
  }

  countCells(sweepId: string): Promise<SweepCellCounts> {
    return this.run(() => {
      const counts: SweepCellCounts = { completed: 0, failed: 0, skipped: 0 };
      const rows = this.db
        .prepare('SELECT status, COUNT(*) AS n FROM sweep_cells WHERE sweep_id = ? GROUP BY status')
        .all(sweepId) as Array<{ status: keyof SweepCellCounts; n: number }>;
      for (const row of rows) counts[row.status] = row.n;
      return counts;
    });
  }

  findCached(
    fingerprints: readonly string[],
    scoring?: string,
  ): Promise<Map<string, CachedSweepCell>> {
    return this.run(() => {
      const out = new Map<string, CachedSweepCell>();
      const select = this.db.prepare(
        `SELECT c.cell, s.scores FROM sweep_cell_cache c
         LEFT JOIN sweep_in_sample_cache s ON s.fingerprint = c.fingerprint AND s.scoring = ?
         WHERE c.fingerprint = ?`,
      );
      for (const fingerprint of fingerprints) {
        const row = select.get(scoring ?? null, fingerprint) as
          | { cell: string; scores: string | null }
          | undefined;
        if (!row) continue;
        const cached = JSON.parse(row.cell) as CachedSweepCell;
        if (row.scores !== null) {
          cached.inSample = { scoring: scoring!, values: JSON.parse(row.scores) as number[] };
        }
        out.set(fingerprint, cached);
      }
      return out;
    });
  }
}

function allowed(status: BacktestStatus, from: readonly BacktestStatus[]): boolean {
  return !isTerminalStatus(status) && from.includes(status);
}
