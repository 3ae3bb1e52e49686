/**
 * Builds the `hindsight` executable: apps/cli and the workspace packages it uses, bundled by
 * esbuild into plain JavaScript in apps/cli/dist (entry `main.js`), so a start pays for neither
 * pnpm nor tsx compiling TypeScript.
 *
 * Every module the code imports with a dynamic `import()` (each command from main.ts, the
 * market-data cache behind `run --symbol`, the MongoDB store), and each worker-thread entry (the
 * local sweep's), is bundled on its own, as dist/<its name>.js, and stays a dynamic import, so a start loads only what it runs: `--help` no
 * command, `run --data` no Redis, DuckDB or MongoDB client. Each bundle is tree-shaken on its
 * own. (esbuild's code splitting would not do: it shares chunks by file, so a chunk that `run`
 * imports would carry the cache that `data` needs.)
 *
 * Third-party packages stay outside the bundles (native addons, files read at run time), imported
 * by the path they resolve to in this checkout - except those in BUNDLED.
 *
 * Run: pnpm --filter @hindsight/cli build (part of `pnpm build`; bin/hindsight runs it when dist
 * is missing).
 */
import { realpathSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const CLI_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_OUTDIR = join(CLI_ROOT, 'dist');

/**
 * Modules started as worker threads by a path beside their starter's own file (esbuild does not
 * follow `new Worker(new URL(...))`): each is bundled on its own under its file's name, as the
 * lazy modules are, so the starter finds dist/<name>.js beside the bundle it is inlined in.
 */
const THREAD_ENTRIES = [
  join(CLI_ROOT, '..', '..', 'packages', 'backtest', 'src', 'sweep', 'sweep-thread.ts'),
];

const RESOLVING = Symbol('resolving');

/**
 * Third-party packages bundled like workspace code: plain JavaScript with nothing read at run
 * time, whose many small modules cost more to resolve and load one by one than to bundle
 * (TypeBox: ~700 files, ~0.4 s of CPU and ~20 MB at every `run`).
 */
const BUNDLED = ['typebox'];

/** Module file -> its bundle's name, for every module imported lazily. */
type LazyModules = Map<string, string>;

/**
 * A dynamic import of a workspace module stays one, of that module's own bundle (recorded in
 * `lazy`); a third-party package is external at its resolved path from `outdir`; workspace
 * modules are marked side-effect free (none does anything at import but define its exports), so
 * a bundle drops those it does not use and, with them, their imports.
 */
function lazyBoundaries(outdir: string, lazy: LazyModules): Plugin {
  return {
    name: 'lazy-boundaries',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData === RESOLVING || args.kind === 'entry-point') return null;
        if (args.path.startsWith('node:')) return null;
        const resolved = await pluginBuild.resolve(args.path, {
          kind: args.kind,
          resolveDir: args.resolveDir,
          importer: args.importer,
          pluginData: RESOLVING,
        });
        if (resolved.errors.length > 0) return { errors: resolved.errors };
        if (resolved.external) return { path: resolved.path, external: true, sideEffects: false };
        const real = realpathSync(resolved.path);
        const thirdParty = real.includes(`${sep}node_modules${sep}`);
        if (args.kind === 'dynamic-import' && !thirdParty) {
          return { path: `./${lazyName(lazy, real)}.js`, external: true };
        }
        if (!thirdParty) return { path: real, sideEffects: false };
        if (BUNDLED.some((name) => real.includes(`${sep}node_modules${sep}${name}${sep}`))) {
          return { path: real };
        }
        return {
          path: relative(outdir, real).split(sep).join('/'),
          external: true,
          sideEffects: false,
        };
      });
    },
  };
}

function lazyName(lazy: LazyModules, file: string): string {
  const known = lazy.get(file);
  if (known !== undefined) return known;
  const name = basename(file, extname(file));
  for (const [other, taken] of lazy) {
    if (taken === name)
      throw new Error(`two lazily imported modules are named ${name}: ${other}, ${file}`);
  }
  lazy.set(file, name);
  return name;
}

/** Writes the bundles to `outdir` (apps/cli/dist by default); returns the entry file. */
export async function buildCli(outdir = DEFAULT_OUTDIR): Promise<string> {
  rmSync(outdir, { recursive: true, force: true });
  const lazy: LazyModules = new Map([[join(CLI_ROOT, 'src', 'main.ts'), 'main']]);
  for (const entry of THREAD_ENTRIES) lazyName(lazy, realpathSync(entry));
  const built = new Set<string>();
  // Bundling a module finds the modules it imports lazily: bundle those next, until none is new.
  for (;;) {
    const pending = [...lazy].filter(([file]) => !built.has(file));
    if (pending.length === 0) break;
    for (const [file] of pending) built.add(file);
    await build({
      entryPoints: pending.map(([file, name]) => ({ in: file, out: name })),
      outdir,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20.19',
      // Workspace packages from their TypeScript sources, as tsx runs them in development.
      conditions: ['source'],
      sourcemap: 'linked',
      logLevel: 'warning',
      plugins: [lazyBoundaries(outdir, lazy)],
    });
  }
  // The bundles are ES modules wherever they are put (the bench builds them in a temporary
  // directory): without a package.json saying so, node would first try each as CommonJS, then
  // compile it again as ESM - ~25 ms of CPU for run.js at every start.
  writeFileSync(join(outdir, 'package.json'), '{ "type": "module" }\n');
  return join(outdir, 'main.js');
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const entry = await buildCli();
  process.stdout.write(`built ${relative(process.cwd(), entry)}\n`);
}
