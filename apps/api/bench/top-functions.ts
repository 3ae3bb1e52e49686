/**
 * Reads the V8 CPU profiles a `BENCH_PROFILE_DIR` run wrote and prints, per profile, where the
 * time went: self time by package (or node: internals) and the heaviest functions.
 *
 *   node --import tsx apps/api/bench/top-functions.ts DIR [functions=25]
 *
 * A `window.json` in DIR (`{ "startUs", "endUs" }` on the monotonic clock V8 stamps samples with,
 * which bench:service writes around its sustained phase) keeps only the samples inside it: the
 * steady state, without the seconds of module loading at start.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** `…/node_modules/.pnpm/bullmq@6/node_modules/bullmq/…` -> bullmq; ours -> packages/x, apps/x. */
function area(url: string): string {
  if (url === '') return '(native / idle / gc)';
  if (url.startsWith('node:')) return url;
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + '/node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const ours = /\/(apps|packages)\/([^/]+)\//.exec(url);
  return ours ? `${ours[1]}/${ours[2]}` : url;
}

interface Window {
  startUs: number;
  endUs: number;
}

function summarize(file: string, top: number, window: Window | null): void {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (window !== null && (at < window.startUs || at > window.endUs)) continue;
    const id = profile.samples[i]!;
    selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
  }
  const total =
    window === null
      ? profile.endTime - profile.startTime
      : Math.max(
          0,
          Math.min(profile.endTime, window.endUs) - Math.max(profile.startTime, window.startUs),
        );
  const areas = new Map<string, number>();
  const functions = new Map<string, number>();
  let idle = 0;
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    if (functionName === '(idle)') {
      idle += us;
      continue;
    }
    const where = area(url);
    areas.set(where, (areas.get(where) ?? 0) + us);
    const name = `${functionName || '(anonymous)'} ${url.split('/').slice(-2).join('/')}:${lineNumber + 1}`;
    functions.set(name, (functions.get(name) ?? 0) + us);
  }
  const ms = (us: number) => `${(us / 1000).toFixed(0).padStart(7)} ms`;
  console.log(`\n${file}: ${ms(total)} wall, ${ms(total - idle)} busy`);
  for (const [where, us] of [...areas].sort((a, b) => b[1] - a[1]).slice(0, 15)) {
    console.log(`  ${ms(us)}  ${where}`);
  }
  console.log('  -- functions (self time)');
  for (const [name, us] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`  ${ms(us)}  ${name}`);
  }
}

const dir = process.argv[2];
if (!dir) throw new Error('usage: top-functions.ts DIR [count]');
const top = Number(process.argv[3] ?? 25);
const windowFile = join(dir, 'window.json');
const window = existsSync(windowFile)
  ? (JSON.parse(readFileSync(windowFile, 'utf8')) as Window)
  : null;
if (window !== null) {
  console.log(`samples of ${((window.endUs - window.startUs) / 1e6).toFixed(1)} s (window.json)`);
}
for (const name of readdirSync(dir).filter((n) => n.endsWith('.cpuprofile'))) {
  summarize(join(dir, name), top, window);
}
