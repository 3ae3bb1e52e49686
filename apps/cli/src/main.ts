import type { CliIo } from './cli-error.js';
import { cleanupCommand } from './commands/cleanup.js';
import { dataCommand } from './commands/data.js';
import { runCommand } from './commands/run.js';
import { storeCommand } from './commands/store.js';

const USAGE = `usage: hindsight <command> [options]

commands:
  run     run one backtest on a CSV file or a cached symbol and print its report
  data    import, list, show and check cached market data (hindsight data --help)
  cleanup remove old result artifacts and abandoned partial writes (hindsight cleanup --help)
  store   export the store to JSON lines or import it (hindsight store --help)
`;

type Command = (argv: string[], io: CliIo) => Promise<number>;
const commands: Record<string, Command> = {
  run: runCommand,
  data: dataCommand,
  cleanup: cleanupCommand,
  store: storeCommand,
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
