import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { type Config, loadConfig } from '@hindsight/service';
import {
  createStore,
  emptyTransferCounts,
  exportLines,
  type ImportResult,
  importLines,
  type Store,
  type TransferCounts,
} from '@hindsight/store';
import { CliError, type CliIo } from '../cli-error.js';
import { defineCommand } from '../command.js';

const USAGE = `usage: hindsight store export --out FILE.jsonl [--from-url URL] [--data-root DIR]
       hindsight store import --in FILE.jsonl [--to-url URL] [--data-root DIR]

Copies the store - backtest records with their log lines, API keys (hashes only), webhook
subscriptions with their signing secrets (so receivers' checks still pass: keep the file as
secret as the store) and e-mail settings - to or from a JSON-lines file, one record a line,
streaming. Result artifacts (DATA_ROOT/tasks/) and cached market data are files: copy them
separately.

export  reads the store named by --from-url (a mongodb:// URL), else MONGODB_URL, else the
        SQLite file under --data-root / DATA_ROOT; writes FILE.jsonl.tmp, renames it when done.
import  writes into the store named by --to-url, else MONGODB_URL, else SQLite. Records
        already there (same id) are skipped, so an interrupted import is finished by running
        it again. Checks the counts against the file's trailer; exits 1 when they disagree.
`;

const OPTIONS = {
  out: { type: 'string' },
  in: { type: 'string' },
  'from-url': { type: 'string' },
  'to-url': { type: 'string' },
  'data-root': { type: 'string' },
} as const;

function formatCounts(counts: TransferCounts): string {
  return `${counts.backtests} backtests, ${counts.logs} log lines, ${counts.apiKeys} API keys, ${counts.webhooks} webhooks, ${counts.notificationSettings} notification settings`;
}

function openStore(config: Config, url: string | undefined): Promise<Store> {
  if (url !== undefined && !/^mongodb(\+srv)?:\/\//.test(url)) {
    throw new CliError(`the store URL must start with mongodb:// or mongodb+srv://, got "${url}"`);
  }
  return createStore({ mongodbUrl: url ?? config.MONGODB_URL, dataRoot: config.DATA_ROOT });
}

async function exportTo(store: Store, file: string): Promise<TransferCounts> {
  const partial = `${file}.tmp`;
  const out = createWriteStream(partial);
  const counts = emptyTransferCounts();
  try {
    for await (const line of exportLines(store, counts)) {
      if (!out.write(`${line}\n`)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
  } catch (error) {
    out.destroy();
    throw error;
  }
  await rename(partial, file);
  return counts;
}

async function importFrom(store: Store, file: string, io: CliIo): Promise<ImportResult> {
  const lines = createInterface({
    input: createReadStream(file),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  return importLines(store, lines, (progress) =>
    io.stderr.write(
      `imported ${formatCounts(progress.imported)}; skipped ${formatCounts(progress.skipped)}\n`,
    ),
  );
}

/** `hindsight store export|import`: see USAGE. */
export const storeCommand = defineCommand({
  name: 'store',
  usage: USAGE,
  options: OPTIONS,
  actions: ['export', 'import'],
  async run({ values, action }, io) {
    let store: Store | undefined;
    try {
      const config = loadConfig({
        ...io.env,
        ...(values['data-root'] === undefined ? {} : { DATA_ROOT: values['data-root'] }),
      });
      if (action === 'export') {
        if (!values.out) throw new CliError('export needs --out FILE.jsonl');
        store = await openStore(config, values['from-url']);
        const counts = await exportTo(store, values.out);
        io.stdout.write(`exported ${formatCounts(counts)} to ${values.out}\n`);
        return 0;
      }
      if (!values.in) throw new CliError('import needs --in FILE.jsonl');
      store = await openStore(config, values['to-url']);
      const result = await importFrom(store, values.in, io);
      io.stdout.write(
        `imported ${formatCounts(result.imported)}\n` +
          `skipped (already present) ${formatCounts(result.skipped)}\n` +
          `the file holds ${formatCounts(result.expected)}: counts match\n`,
      );
      return 0;
    } finally {
      await store?.close();
    }
  },
});
