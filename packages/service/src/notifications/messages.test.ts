import { parseSweepRequest, type SweepRecord } from '@hindsight/models';
import { describe, expect, it } from 'vitest';
import { sweepComboCounts, sweepEmail, sweepEventBody } from './messages.js';

const config = parseSweepRequest({
  strategy: { name: 'sma_crossover', params: {} },
  symbols: ['GOOG'],
  start: '2004-08-19',
  end: '2013-03-01',
  grid: { fast: [5, 10], slow: [20, 30] },
  objective: { key: 'maxDrawdownPct', direction: 'max' },
});

function sweep(patch: Partial<SweepRecord>): SweepRecord {
  return {
    id: 'sw1',
    ownerId: 'alice',
    name: 'grid <1>',
    config,
    status: 'completed',
    fingerprint: 'f',
    combos: { total: 4, skipped: 1 },
    chunks: 1,
    summary: null,
    error: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:01:00.000Z',
    startedAt: '2026-01-01T00:00:01.000Z',
    finishedAt: '2026-01-01T00:01:00.000Z',
    ...patch,
  };
}

describe('sweep messages', () => {
  it('name the best combination with the summary statistics and the objective', () => {
    const record = sweep({
      summary: {
        best: {
          index: 2,
          params: { fast: 10, slow: 30 },
          stats: {
            returnPct: 12.5,
            sharpeRatio: 0.8,
            maxDrawdownPct: -7.25,
            trades: 14,
            calmarRatio: 1,
          },
        },
      },
    });
    const combos = sweepComboCounts(record, { completed: 3, failed: 0 });
    expect(combos).toEqual({ total: 4, done: 4, skipped: 1, failed: 0 });
    const body = sweepEventBody(record, combos, 'https://h.example.com/');
    expect(body.data.best).toEqual({
      params: { fast: 10, slow: 30 },
      // Absent statistics are null, never left out; calmarRatio is neither summary nor objective.
      stats: {
        returnPct: 12.5,
        sharpeRatio: 0.8,
        maxDrawdownPct: -7.25,
        trades: 14,
        winRatePct: null,
        equityFinal: null,
      },
    });
    expect(body.data.objective).toEqual({ key: 'maxDrawdownPct', direction: 'max' });
    expect(body.data.links).toEqual({
      self: 'https://h.example.com/api/v1/sweeps/sw1',
      results: 'https://h.example.com/api/v1/sweeps/sw1/results',
    });
  });

  it('say why a sweep failed, in the body and the e-mail, escaped in HTML', () => {
    const error = { code: 'HS_ERR_VALIDATION', message: 'every combination failed; the first: x' };
    const record = sweep({ status: 'failed', error });
    const combos = sweepComboCounts(record, { completed: 0, failed: 3 });
    const body = sweepEventBody(record, combos, 'https://h.example.com');
    expect(body).toMatchObject({
      type: 'sweep.failed',
      timestamp: record.finishedAt,
      data: { status: 'failed', best: null, error, combos: { done: 4, failed: 3 } },
    });
    const mail = sweepEmail(record, combos, 'https://h.example.com');
    expect(mail.subject).toBe('[Hindsight] grid <1>: failed');
    expect(mail.text).toBe(
      'Sweep "grid <1>" failed.\n' +
        'Combinations: 4 of 4 done (1 skipped, 3 failed)\n' +
        'Objective: max maxDrawdownPct\n' +
        'Error: every combination failed; the first: x\n\n' +
        'https://h.example.com/api/v1/sweeps/sw1\n',
    );
    expect(mail.html).toContain('grid &#60;1&#62;');
  });

  it('refuse a sweep that has not ended', () => {
    const record = sweep({ status: 'running', finishedAt: null });
    expect(() =>
      sweepEventBody(record, sweepComboCounts(record, { completed: 0, failed: 0 }), ''),
    ).toThrow(/sweep sw1 is running, not finished/);
  });
});
