import { setTimeout as delay } from 'node:timers/promises';

/** Time as a provider sees it; tests pass a virtual clock so waits of a minute take no time. */
export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: async (ms, signal) => {
    await delay(ms, undefined, signal ? { signal } : undefined);
  },
};
