// opossum 9 ships no type declarations (and @types/opossum is not installed): the part used here.
declare module 'opossum' {
  import { EventEmitter } from 'node:events';

  namespace CircuitBreaker {
    interface Options {
      /** false: no timeout of its own (the provider has its own, which also aborts the HTTP call). */
      timeout?: number | false;
      errorThresholdPercentage?: number;
      resetTimeout?: number;
      rollingCountTimeout?: number;
      rollingCountBuckets?: number;
      volumeThreshold?: number;
      /** true: the error does not count as a failure. */
      errorFilter?: (error: unknown) => boolean;
      name?: string;
    }
  }

  class CircuitBreaker<TArgs extends unknown[] = unknown[], TResult = unknown> extends EventEmitter {
    constructor(action: (...args: TArgs) => Promise<TResult>, options?: CircuitBreaker.Options);
    fire(...args: TArgs): Promise<TResult>;
    readonly opened: boolean;
    readonly halfOpen: boolean;
    readonly closed: boolean;
    shutdown(): void;
  }

  export = CircuitBreaker;
}
