/**
 * One process of the multi-process cache test (`src/cache/cache.processes.test.ts`):
 *   writer DATA_ROOT ID COMMITS  - commits COMMITS slices of ten bars, each its own range
 *   reader DATA_ROOT VERSION     - reads the series over and over, checking every snapshot, until
 *                                  it sees VERSION (or a minute passes)
 * Every bar encodes who wrote it: slice s (writer w, commit c, s = w * COMMITS + c) holds minutes
 * 10s..10s+9, and each bar's open is 1000 + s. Each process prints "ready" once started, waits
 * for DATA_ROOT/go so that all of them begin together, and ends with one JSON line of what it saw.
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { MarketDataCache } from '../src/cache/cache.js';
import { BARS_PER_SLICE, RACE_KEY as KEY } from './cache-race.js';

const MINUTE = 60_000;

const [mode, dataRoot, first, second] = process.argv.slice(2);
const cache = new MarketDataCache({ dataRoot: dataRoot! });
await cache.session();
console.log('ready');
while (
  !(await access(join(dataRoot!, 'go')).then(
    () => true,
    () => false,
  ))
)
  await sleep(5);

if (mode === 'writer') {
  const writer = Number(first);
  const commits = Number(second);
  for (let commit = 0; commit < commits; commit++) {
    const slice = writer * commits + commit;
    const from = slice * BARS_PER_SLICE * MINUTE;
    const column = (value: (i: number) => number) =>
      Float64Array.from({ length: BARS_PER_SLICE }, (_, i) => value(i));
    const bars = {
      length: BARS_PER_SLICE,
      time: column((i) => from + i * MINUTE),
      open: column(() => 1000 + slice),
      high: column(() => 1001 + slice),
      low: column(() => 999 + slice),
      close: column(() => 1000 + slice),
      volume: column((i) => i),
    };
    await cache.write(KEY, bars, { coverage: { from, to: from + BARS_PER_SLICE * MINUTE } });
  }
  console.log(JSON.stringify({ mode, commits }));
} else {
  const finalVersion = Number(first);
  const until = Date.now() + 60_000;
  const problems: string[] = [];
  const versions = new Set<number>();
  let reads = 0;
  let lastVersion = 0;
  while (Date.now() < until && lastVersion < finalVersion) {
    try {
      const snapshot = await cache.read(KEY);
      reads++;
      if (snapshot === null) continue;
      const { info, bars } = snapshot;
      if (info.version < lastVersion)
        problems.push(`version went back ${lastVersion} -> ${info.version}`);
      lastVersion = info.version;
      versions.add(info.version);
      if (bars.length !== info.bars)
        problems.push(`v${info.version}: ${bars.length} bars, manifest ${info.bars}`);
      // A consistent snapshot: whole slices only, each bar carrying its own slice's values, and
      // exactly the slices the coverage names.
      let covered = 0;
      for (const range of info.coverage) covered += (range.to - range.from) / MINUTE;
      if (covered !== bars.length)
        problems.push(`v${info.version}: coverage ${covered} != ${bars.length} bars`);
      for (let i = 0; i < bars.length; i++) {
        const slice = Math.floor(bars.time[i]! / MINUTE / BARS_PER_SLICE);
        if (bars.open[i] !== 1000 + slice) problems.push(`v${info.version}: bar ${i} is torn`);
      }
    } catch (error) {
      problems.push(String(error));
    }
  }
  console.log(
    JSON.stringify({
      mode,
      reads,
      versions: versions.size,
      lastVersion,
      problems: problems.slice(0, 20),
    }),
  );
}
await cache.close();
