import type { CliIo } from './cli-error.js';
import type { Command } from './command.js';

const USAGE = `usage: hindsight <command> [options]

commands:
  run     run one backtest on a CSV file or a cached symbol and print its report
  sweep   run a parameter sweep on every core of this machine, then its leaderboard
          (hindsight sweep --help)
  data    import, list, show and check cached market data (hindsight data --help)
  cleanup remove old result artifacts and abandoned partial writes (hindsight cleanup --help)
  store   export the store to JSON lines or import it (hindsight store --help)

  through the api (HINDSIGHT_URL, HINDSIGHT_API_KEY or --url, --key):
  submit  submit a backtest; --watch follows it live to its summary (hindsight submit --help)
  list    list your backtests (--status, --limit, --json)
  status  show one backtest: hindsight status ID
  cancel  cancel a queued or running backtest: hindsight cancel ID
  submit-sweep  submit a parameter sweep; --watch follows it live to its leaderboard
          (hindsight submit-sweep --help)

  keys    create an API key in the store: hindsight keys create --user U --tier T [--admin]
`;

/**
 * Each command is imported when it is run, so a start loads only that command's code: `--help`
 * loads none, `run --data` no Redis, DuckDB or MongoDB client (the bundle keeps each in its own
 * chunk; see scripts/build.ts).
 */
const commands: Record<string, () => Promise<Command>> = {
  run: async () => (await import('./commands/run.js')).runCommand,
  sweep: async () => (await import('./commands/sweep.js')).sweepCommand,
  data: async () => (await import('./commands/data.js')).dataCommand,
  cleanup: async () => (await import('./commands/cleanup.js')).cleanupCommand,
  store: async () => (await import('./commands/store.js')).storeCommand,
  submit: async () => (await import('./commands/submit.js')).submitCommand,
  list: async () => (await import('./commands/list.js')).listCommand,
  status: async () => (await import('./commands/status.js')).statusCommand,
  cancel: async () => (await import('./commands/cancel.js')).cancelCommand,
  'submit-sweep': async () => (await import('./commands/submit-sweep.js')).submitSweepCommand,
  keys: async () => (await import('./commands/keys.js')).keysCommand,
};

async function main(argv: string[]): Promise<number> {
  const io: CliIo = { stdout: process.stdout, stderr: process.stderr, env: process.env };
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.stdout.write(USAGE);
    return name === undefined ? 1 : 0;
  }
  const load = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!load) {
    io.stderr.write(
      `hindsight: unknown command "${name}" (known: ${Object.keys(commands).join(', ')})\n`,
    );
    return 1;
  }
  const command = await load();
  return command(rest, io);
}

process.exitCode = await main(process.argv.slice(2));
