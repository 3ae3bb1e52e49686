import { type ParseArgsConfig, parseArgs } from 'node:util';
import { CliError, type CliIo } from './cli-error.js';
import { describeError } from './describe-error.js';
import { rejectRenamedOptions } from './parse-options.js';

type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig['options']>;

const HELP = { help: { type: 'boolean', short: 'h' } } as const;

type Parsed<O extends ParseArgsOptionsConfig> = ReturnType<
  typeof parseArgs<{
    args: string[];
    options: O & typeof HELP;
    strict: true;
    allowPositionals: true;
  }>
>;

/** What a command's body gets: the parsed options, the positionals, and the action word if any. */
interface CommandInput<O extends ParseArgsOptionsConfig> {
  values: Parsed<O>['values'];
  positionals: string[];
  /** The first word (`store export`), when the command declares `actions`; else ''. */
  action: string;
}

export interface CommandSpec<O extends ParseArgsOptionsConfig> {
  /** `hindsight <name>: ` starts every error line. */
  name: string;
  /** Printed by `--help` / `-h` (exit 0). */
  usage: string;
  /** parseArgs options; `--help`/`-h` is added. */
  options: O;
  positionals?: boolean;
  /** The first word is one of these actions; none given prints the usage and exits 1. */
  actions?: readonly string[];
  /** Old option names refused with one line naming the new one (see rejectRenamedOptions). */
  renamed?: Readonly<Record<string, string>>;
  /** The command itself: its exit code. A thrown error becomes one line on stderr and exit 1. */
  run(input: CommandInput<O>, io: CliIo): Promise<number>;
}

export type Command = (argv: string[], io: CliIo) => Promise<number>;

/**
 * One command of the CLI: it owns parsing, `--help`, and turning any error into the one line
 * `hindsight <name>: <what went wrong>` with exit code 1, so each command states only its
 * options, its usage and its body.
 */
export function defineCommand<O extends ParseArgsOptionsConfig>(spec: CommandSpec<O>): Command {
  return async (argv, io) => {
    try {
      let action = '';
      let args = argv;
      if (spec.actions) {
        const [first, ...rest] = argv;
        if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
          io.stdout.write(spec.usage);
          return first === undefined ? 1 : 0;
        }
        if (!spec.actions.includes(first)) {
          throw new CliError(`unknown action "${first}" (known: ${spec.actions.join(', ')})`);
        }
        action = first;
        args = rest;
      }
      if (spec.renamed) rejectRenamedOptions(args, spec.renamed);
      const { values, positionals } = parseArgs({
        args,
        strict: true,
        allowPositionals: spec.positionals ?? false,
        options: { ...spec.options, ...HELP },
      }) as Parsed<O>;
      if ((values as { help?: boolean }).help) {
        io.stdout.write(spec.usage);
        return 0;
      }
      return await spec.run({ values, positionals, action }, io);
    } catch (error) {
      io.stderr.write(`hindsight ${spec.name}: ${describeError(error, io.env)}\n`);
      return 1;
    }
  };
}
