import { API_KEY_TIERS, type ApiKeyTier } from '@hindsight/models';
import { hashApiKey, loadConfig, newApiKey } from '@hindsight/service';
import { createStore, type Store } from '@hindsight/store';
import { CliError } from '../cli-error.js';
import { defineCommand } from '../command.js';

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
export const keysCommand = defineCommand({
  name: 'keys',
  usage: USAGE,
  options: {
    user: { type: 'string' },
    tier: { type: 'string' },
    admin: { type: 'boolean' },
    'data-root': { type: 'string' },
  },
  actions: ['create'],
  async run({ values }, io) {
    let store: Store | undefined;
    try {
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
    } finally {
      await store?.close();
    }
  },
});
