import type { Histogram } from 'prom-client';

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * The same object, with each method call timed into `histogram` under `operation=<method name>`
 * - until its promise settles for an async method, until it returns or throws otherwise. Methods
 * run with the original object as `this`, so classes with private fields keep working. One line
 * instruments a whole Store: `timeOperations(store, metrics.storeOperationDurationSeconds)`.
 */
export function timeOperations<T extends object>(target: T, histogram: Histogram<'operation'>): T {
  const wrapped = new Map<string, (...args: unknown[]) => unknown>();
  return new Proxy(target, {
    get(object, property, receiver) {
      const value: unknown = Reflect.get(object, property, receiver);
      if (typeof property !== 'string' || typeof value !== 'function') return value;
      let timed = wrapped.get(property);
      if (!timed) {
        const method = value as (...args: unknown[]) => unknown;
        timed = (...args: unknown[]) => {
          const end = histogram.startTimer({ operation: property });
          let result: unknown;
          try {
            result = method.apply(object, args);
          } catch (error) {
            end();
            throw error;
          }
          if (!isThenable(result)) {
            end();
            return result;
          }
          return Promise.resolve(result).finally(() => end());
        };
        wrapped.set(property, timed);
      }
      return timed;
    },
  });
}
