import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readRepoFile, repoFileUrl } from './test-support.js';

/** No Docker engine runs here, so the rules a linter would check are checked on the text. */
interface Instruction {
  keyword: string;
  args: string;
}
interface Stage {
  image: string;
  name: string | null;
  instructions: Instruction[];
}

/** Instructions by stage, with `\` continuations joined and comments dropped. */
function stagesOf(dockerfile: string): Stage[] {
  const lines = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const stages: Stage[] = [];
  for (const line of lines) {
    const [keyword = '', ...rest] = line.split(/\s+/);
    const args = rest.join(' ');
    if (keyword.toUpperCase() === 'FROM') {
      const match = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      if (!match) throw new Error(`cannot read FROM ${args}`);
      stages.push({ image: match[1] as string, name: match[2] ?? null, instructions: [] });
    } else {
      const stage = stages.at(-1);
      if (!stage) throw new Error(`${keyword} before the first FROM`);
      stage.instructions.push({ keyword: keyword.toUpperCase(), args });
    }
  }
  return stages;
}

function argsOf(stage: Stage, keyword: string): string[] {
  return stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);
}

const root = JSON.parse(readRepoFile('package.json')) as {
  packageManager: string;
  devDependencies: Record<string, string>;
};
const PNPM_VERSION = root.packageManager.split('@')[1];
const TURBO_VERSION = root.devDependencies.turbo?.replace(/^[\^~]/, '');
const compose = parse(readRepoFile('docker-compose.yml'), { merge: true }) as {
  services: Record<string, { build?: { dockerfile: string } }>;
};
const dockerignore = readRepoFile('.dockerignore')
  .split('\n')
  .filter((line) => line !== '' && !line.startsWith('#'));

const APPS = [
  { app: 'api', file: 'Dockerfile.api', entry: 'server', port: 3000, portVariable: 'PORT' },
  {
    app: 'worker',
    file: 'Dockerfile.worker',
    entry: 'main',
    port: 9464,
    portVariable: 'WORKER_METRICS_PORT',
  },
] as const;

describe.each(APPS)('$file', ({ app, file, entry, port, portVariable }) => {
  const stages = stagesOf(readRepoFile(file));
  const runtime = stages.at(-1) as Stage;
  const builder = stages.find((stage) => stage.name === 'builder');
  const runs = (stage: Stage | undefined) => (stage ? argsOf(stage, 'RUN').join('\n') : '');

  it('is the one compose builds for the service', () => {
    expect(compose.services[app]?.build?.dockerfile).toBe(file);
  });

  it('builds in stages from a pinned Node LTS image', () => {
    expect(stages.length).toBeGreaterThanOrEqual(3);
    const names = new Set(stages.map((stage) => stage.name));
    for (const stage of stages) {
      if (names.has(stage.image)) continue;
      const match = /^node:(\d+)\.\d+\.\d+-bookworm-slim$/.exec(stage.image);
      expect(match, stage.image).not.toBeNull();
      // Even Node majors become LTS; odd ones never do.
      expect(Number(match?.[1]) % 2, stage.image).toBe(0);
    }
  });

  it('copies only from stages defined before, and only files the context has', () => {
    const seen: string[] = [];
    for (const stage of stages) {
      for (const copy of argsOf(stage, 'COPY')) {
        const from = /--from=(\S+)/.exec(copy)?.[1];
        if (from) {
          expect(seen, copy).toContain(from);
          continue;
        }
        const [source] = copy.replace(/--\S+/g, '').trim().split(/\s+/);
        expect(source, copy).toBeDefined();
        if (source !== '.') {
          expect(existsSync(repoFileUrl(source as string)), copy).toBe(true);
          expect(dockerignore, `${source} is in .dockerignore`).not.toContain(source);
        }
      }
      if (stage.name) seen.push(stage.name);
    }
  });

  it('installs the pnpm of packageManager and the turbo of the lockfile', () => {
    const all = stages.map(runs).join('\n');
    expect(all).toContain(`npm install --global pnpm@${PNPM_VERSION}`);
    expect(all).toContain(`npm install --global turbo@${TURBO_VERSION}`);
    expect(all).toContain(`turbo prune @hindsight/${app} --docker`);
  });

  it('builds with tsc through turbo, then keeps production dependencies only', () => {
    const commands = runs(builder).split('\n');
    const build = commands.indexOf(`pnpm turbo run build --filter=@hindsight/${app}...`);
    const prod = commands.findIndex((c) => /^pnpm install .*--prod\b/.test(c));
    expect(build, 'the build').toBeGreaterThan(-1);
    expect(prod, 'the production install after the build').toBeGreaterThan(build);
    expect(readRepoFile(`apps/${app}/package.json`)).toContain(
      '"build": "tsc -p tsconfig.build.json"',
    );
    expect(runs(runtime)).not.toMatch(/pnpm|npm install/);
    expect(argsOf(runtime, 'COPY')).toEqual(['--from=builder /repo /app']);
    expect(argsOf(runtime, 'ENV').join(' ')).toContain('NODE_ENV=production');
  });

  it('starts the compiled entry point of the app', () => {
    const build = JSON.parse(readRepoFile(`apps/${app}/tsconfig.build.json`)) as {
      compilerOptions: { rootDir: string; outDir: string };
    };
    expect(build.compilerOptions).toMatchObject({ rootDir: 'src', outDir: 'dist' });
    expect(existsSync(repoFileUrl(`apps/${app}/src/${entry}.ts`))).toBe(true);
    expect(argsOf(runtime, 'CMD')).toEqual([`["node", "apps/${app}/dist/${entry}.js"]`]);
  });

  it('runs as a user other than root', () => {
    const users = argsOf(runtime, 'USER');
    expect(users.length).toBe(1);
    expect(['root', '0', '0:0']).not.toContain(users[0]);
  });

  it('checks its health on the port it serves', () => {
    const [check] = argsOf(runtime, 'HEALTHCHECK');
    expect(check).toMatch(/^--interval=\S+ --timeout=\S+ --start-period=\S+ --retries=\d+ CMD /);
    expect(check).toContain(`process.env.${portVariable} || ${port}`);
    expect(check).toContain('/health');
    expect(argsOf(runtime, 'EXPOSE')).toEqual([String(port)]);
  });
});

describe('.dockerignore', () => {
  it('keeps dependencies, builds, secrets and local data out of the build context', () => {
    for (const entry of ['**/node_modules', '**/dist', '.git', '.env', 'data']) {
      expect(dockerignore).toContain(entry);
    }
  });
});
