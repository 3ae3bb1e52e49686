import { resolve } from 'node:path';
import { createProviders, MarketDataCache, type Providers } from '@hindsight/market-data';
import { parseNumber } from './parse-options.js';

export interface MarketDataEnv {
  dataRoot: string;
  cache: MarketDataCache;
  providers: Providers;
}

/** The market-data cache under DATA_ROOT (default ./data) and the providers the environment enables. */
export function marketDataFromEnv(env: NodeJS.ProcessEnv): MarketDataEnv {
  const dataRoot = resolve(env.DATA_ROOT || './data');
  return {
    dataRoot,
    cache: new MarketDataCache({ dataRoot }),
    providers: createProviders({ alphaVantage: alphaVantageConfig(env) }),
  };
}

function alphaVantageConfig(env: NodeJS.ProcessEnv) {
  return {
    ...(env.ALPHAVANTAGE_API_KEY ? { apiKey: env.ALPHAVANTAGE_API_KEY } : {}),
    callsPerMinute: parseNumber(
      'ALPHAVANTAGE_CALLS_PER_MINUTE',
      env.ALPHAVANTAGE_CALLS_PER_MINUTE,
      5,
    ),
  };
}
