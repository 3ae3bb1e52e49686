import {
  ConfigError,
  createLogger,
  launcherGone,
  loadConfig,
  resolveRedisUrl,
} from '@hindsight/service';
import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.js';

/**
 * `pnpm start` runs this (through scripts/start.ts, with the worker): load and check the config,
 * find Redis (a private redis-server when REDIS_URL is unset), build the app, listen, and close
 * everything in order on SIGINT/SIGTERM.
 */
async function main(): Promise<void> {
  // Watched from the first line: the launcher may die while this process still starts.
  const launcher = launcherGone();
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Invalid configuration:\n${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'api' });
  const redis = await resolveRedisUrl(config);
  if (redis.owned) logger.info({ redis: redis.url }, 'started a private redis-server');
  const app = await buildApp({ config: { ...config, REDIS_URL: redis.url }, logger });

  closeWithGrace(
    { delay: 10_000, logger: { error: (m) => logger.error(m) } },
    async ({ signal, err }) => {
      if (err) logger.error({ err }, 'closing after an error');
      else logger.info({ signal }, 'closing');
      await app.close();
      await redis.stop();
    },
  );

  // Without its launcher, the api closes as on SIGTERM rather than outlive it.
  void launcher.then(() => process.kill(process.pid, 'SIGTERM'));
  await app.listen({ port: config.PORT, host: config.HOST });
  const host = config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST;
  logger.info(`Hindsight api listening on http://${host}:${config.PORT} (docs: /docs)`);
}

main().catch((error: unknown) => {
  process.stderr.write(`api failed to start: ${error instanceof Error ? error.stack : error}\n`);
  process.exit(1);
});
