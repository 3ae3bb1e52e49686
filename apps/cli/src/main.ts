import type { CliIo } from './cli-error.js';
import type { Command } from './command.js';
import { cancelCommand } from './commands/cancel.js';
import { cleanupCommand } from './commands/cleanup.js';
import { dataCommand } from './commands/data.js';
import { keysCommand } from './commands/keys.js';
import { listCommand } from './commands/list.js';
import { runCommand } from './commands/run.js';
import { statusCommand } from './commands/status.js';
import { storeCommand } from './commands/store.js';
import { submitCommand } from './commands/submit.js';

const USAGE = `usage: hindsight <command> [options]

commands:
  run     run one backtest on a CSV file or a cached symbol and print its report
  data    import, list, show and check cached market data (hindsight data --help)
  cleanup remove old result artifacts and abandoned partial writes (hindsight cleanup --help)
  store   export the store to JSON lines or import it (hindsight store --help)

  through the api (HINDSIGHT_URL, HINDSIGHT_API_KEY or --url, --key):
  submit  submit a backtest; --watch follows it live to its summary (hindsight submit --help)
  list    list your backtests (--status, --limit, --json)
  status  show one backtest: hindsight status ID
  cancel  cancel a queued or running backtest: hindsight cancel ID

  keys    create an API key in the store: hindsight keys create --user U --tier T [--admin]
`;

const commands: Record<string, Command> = {
  run: runCommand,
  data: dataCommand,
  cleanup: cleanupCommand,
  store: storeCommand,
  submit: submitCommand,
  list: listCommand,
  status: statusCommand,
  cancel: cancelCommand,
  keys: keysCommand,
};

async function main(argv: string[]): Promise<number> {
  const io: CliIo = { stdout: process.stdout, stderr: process.stderr, env: process.env };
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.stdout.write(USAGE);
    return name === undefined ? 1 : 0;
  }
  const command = commands[name];
  if (!command) {
    io.stderr.write(
      `hindsight: unknown command "${name}" (known: ${Object.keys(commands).join(', ')})\n`,
    );
    return 1;
  }
  return command(rest, io);
}

process.exitCode = await main(process.argv.slice(2));
