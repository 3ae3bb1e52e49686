import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Bars } from '@hindsight/engine';

/** A file of the committed market data (fixtures/market-data at the repository root). */
export function sampleData(name: string): string {
  return fileURLToPath(new URL(`../../../fixtures/market-data/${name}`, import.meta.url));
}

/** A fresh directory under the OS temp dir, and a function that removes it. */
export async function temporaryDirectory(): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'hindsight-market-data-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** Bars as plain rows, for readable equality assertions. */
export function rows(bars: Bars): number[][] {
  return Array.from({ length: bars.length }, (_, i) => [
    bars.time[i]!,
    bars.open[i]!,
    bars.high[i]!,
    bars.low[i]!,
    bars.close[i]!,
    bars.volume[i]!,
  ]);
}

/** Valid bars from rows of [time, open, high, low, close, volume]. */
export function barsOf(data: readonly (readonly number[])[]): Bars {
  const column = (i: number) => Float64Array.from(data, (row) => row[i]!);
  return {
    length: data.length,
    time: column(0),
    open: column(1),
    high: column(2),
    low: column(3),
    close: column(4),
    volume: column(5),
  };
}
