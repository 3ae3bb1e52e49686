import { parseArgs } from 'node:util';
import {
  API_KEY_TIERS,
  type ApiKeyTier,
  createStore,
  hashApiKey,
  loadConfig,
  newApiKey,
  type Store,
} from '@hindsight/service';
import { CliError, type CliIo } from '../cli-error.js';
import { describeError } from '../describe-error.js';

const USAGE = `usage: hindsight keys create --user U --tier free|basic|pro [--admin] [--data-root DIR]

Creates an API key in the store the api reads (MONGODB_URL, else the SQLite file under
--data-root / DATA_ROOT) and prints it. Only its hash is stored: the key is shown this once.
A running api accepts it at once.

  --user U              the user the key acts for
  --tier T              free, basic or pro: quotas and rate limits
  --admin               may use the admin routes (GET /api/v1/queue)
  --data-root DIR       the service's DATA_ROOT (default: DATA_ROOT, else ./data)
`;

function isTier(value: string): value is ApiKeyTier {
  return (API_KEY_TIERS as readonly string[]).includes(value);
}

/** `hindsight keys create`: see USAGE. */
export async function keysCommand(argv: string[], io: CliIo): Promise<number> {
  let store: Store | undefined;
  try {
    const [action, ...rest] = argv;
    if (action === undefined || action === '--help' || action === '-h' || action === 'help') {
      io.stdout.write(USAGE);
      return action === undefined ? 1 : 0;
    }
    if (action !== 'create') throw new CliError(`unknown action "${action}" (known: create)`);
    const { values } = parseArgs({
      args: rest,
      strict: true,
      allowPositionals: false,
      options: {
        user: { type: 'string' },
        tier: { type: 'string' },
        admin: { type: 'boolean' },
        'data-root': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      io.stdout.write(USAGE);
      return 0;
    }
    const userId = values.user?.trim();
    if (!userId) throw new CliError('--user is required');
    if (values.tier === undefined || !isTier(values.tier)) {
      throw new CliError(
        `--tier must be one of ${API_KEY_TIERS.join(', ')}, got ${values.tier === undefined ? 'nothing' : `"${values.tier}"`}`,
      );
    }
    const config = loadConfig({
      ...io.env,
      ...(values['data-root'] === undefined ? {} : { DATA_ROOT: values['data-root'] }),
    });
    store = await createStore({ mongodbUrl: config.MONGODB_URL, dataRoot: config.DATA_ROOT });
    const key = newApiKey();
    const admin = values.admin ?? false;
    await store.createApiKey({ keyHash: hashApiKey(key), userId, tier: values.tier, admin });
    io.stderr.write(
      `created a ${values.tier}${admin ? ' admin' : ''} key for ${userId}; it is shown this once - keep it:\n`,
    );
    io.stdout.write(`${key}\n`);
    return 0;
  } catch (error) {
    io.stderr.write(`hindsight keys: ${describeError(error, io.env)}\n`);
    return 1;
  } finally {
    await store?.close();
  }
}
