import { type AlphaVantageOptions, AlphaVantageProvider } from './alphavantage.js';
import { CsvProvider } from './csv.js';
import type { Provider, Providers } from './provider.js';
import { SyntheticProvider } from './synthetic.js';

export interface ProvidersConfig {
  readonly alphaVantage?: AlphaVantageOptions;
}

/** `csv` (imported files), `synthetic` and `alphavantage`, by source name. */
export function createProviders(config: ProvidersConfig = {}): Providers {
  const providers: Provider[] = [
    new CsvProvider(),
    new SyntheticProvider(),
    new AlphaVantageProvider(config.alphaVantage),
  ];
  return new Map(providers.map((provider) => [provider.source, provider]));
}
