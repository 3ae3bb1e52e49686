import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StubRequest {
  readonly parameters: Record<string, string>;
}

export type StubAnswer = { status?: number; body: unknown } | 'hang-up';

/**
 * A local HTTP server standing in for https://www.alphavantage.co/query: `answer` decides each
 * response from the query parameters (bodies are sent as JSON with HTTP 200 unless a status is
 * given, as Alpha Vantage does even for its error payloads).
 */
export class AlphaVantageStub {
  readonly requests: StubRequest[] = [];
  private server: Server | null = null;

  constructor(private answer: (request: StubRequest, index: number) => StubAnswer) {}

  respond(answer: (request: StubRequest, index: number) => StubAnswer): void {
    this.answer = answer;
  }

  async start(): Promise<string> {
    this.server = createServer((incoming, response) => {
      const url = new URL(incoming.url ?? '/', 'http://localhost');
      const request = { parameters: Object.fromEntries(url.searchParams) };
      const answer = this.answer(request, this.requests.length);
      this.requests.push(request);
      if (answer === 'hang-up') {
        incoming.socket.destroy();
        return;
      }
      response.writeHead(answer.status ?? 200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(answer.body));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/query`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

const bar = (open: number, high: number, low: number, close: number, volume: number) => ({
  '1. open': open.toFixed(4),
  '2. high': high.toFixed(4),
  '3. low': low.toFixed(4),
  '4. close': close.toFixed(4),
  '5. volume': String(volume),
});

/** A TIME_SERIES_DAILY answer in Alpha Vantage's documented shape (newest first). */
export function dailyAnswer(
  symbol: string,
  days: Record<string, [number, number, number, number, number]>,
) {
  const dates = Object.keys(days).sort().reverse();
  return {
    'Meta Data': {
      '1. Information': 'Daily Prices (open, high, low, close) and Volumes',
      '2. Symbol': symbol,
      '3. Last Refreshed': dates[0],
      '4. Output Size': 'Compact',
      '5. Time Zone': 'US/Eastern',
    },
    'Time Series (Daily)': Object.fromEntries(dates.map((date) => [date, bar(...days[date]!)])),
  };
}

/** A TIME_SERIES_INTRADAY answer in Alpha Vantage's documented shape (newest first). */
export function intradayAnswer(
  symbol: string,
  interval: string,
  bars: Record<string, [number, number, number, number, number]>,
) {
  const stamps = Object.keys(bars).sort().reverse();
  return {
    'Meta Data': {
      '1. Information': `Intraday (${interval}) open, high, low, close prices and volume`,
      '2. Symbol': symbol,
      '3. Last Refreshed': stamps[0],
      '4. Interval': interval,
      '5. Output Size': 'Full size',
      '6. Time Zone': 'US/Eastern',
    },
    [`Time Series (${interval})`]: Object.fromEntries(
      stamps.map((stamp) => [stamp, bar(...bars[stamp]!)]),
    ),
  };
}

// Payloads as Alpha Vantage sends them (HTTP 200), quoted from its responses.
export const ERROR_MESSAGE = {
  'Error Message':
    'Invalid API call. Please retry or visit the documentation (https://www.alphavantage.co/documentation/) for TIME_SERIES_DAILY.',
};
export const NOTE = {
  Note: 'Thank you for using Alpha Vantage! Our standard API call frequency is 5 calls per minute and 500 calls per day. Please visit https://www.alphavantage.co/premium/ if you would like to target a higher API call frequency.',
};
export const INFORMATION_BURST = {
  Information:
    'Thank you for using Alpha Vantage! Please consider spreading out your free API requests more sparingly (1 request per second). You may subscribe to any of the premium plans at https://www.alphavantage.co/premium/ to lift the free key rate limit (25 requests per day) and instantly remove all daily rate limits.',
};
export const INFORMATION_DAILY = {
  Information:
    'Thank you for using Alpha Vantage! Our standard API rate limit is 25 requests per day. Please subscribe to any of the premium plans at https://www.alphavantage.co/premium/ to instantly remove all daily rate limits.',
};
export const INFORMATION_PREMIUM = {
  Information:
    'Thank you for using Alpha Vantage! This is a premium endpoint. You may subscribe to any of the premium plans at https://www.alphavantage.co/premium/ to instantly unlock all premium endpoints',
};
