import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { GenerateRequest, GenerationFinish, ThreadMessage } from './generation-protocol';

export interface Generation {
  readonly text: string;
  readonly finishReason: GenerationFinish;
  readonly promptTokens: number;
  readonly completionTokens: number;
}

export class GenerationError extends Error {
  constructor(
    readonly kind: 'bad_request' | 'server_error' | 'aborted',
    message: string,
  ) {
    super(message);
  }
}

interface Pending {
  readonly onDelta: (text: string) => void;
  readonly resolve: (generation: Generation) => void;
  readonly reject: (error: GenerationError) => void;
}

/**
 * The worker thread's entry: the compiled `.js` beside this file in a build; from the TypeScript
 * sources (tests, `ts-node`-style scripts) the repository's TypeScript loader compiles it on require.
 */
function threadEntry(): { file: string; eval: boolean } {
  const js = join(__dirname, 'generation-thread.js');
  if (existsSync(js)) return { file: js, eval: false };
  const ts = join(__dirname, 'generation-thread.ts');
  const loader = resolve(__dirname, '../../../../../../tools/bench/ts-loader.cjs');
  return { file: `require(${JSON.stringify(loader)}).register(); require(${JSON.stringify(ts)});`, eval: true };
}

/**
 * Runs local generation off the caller's event loop: one worker thread per process (started on
 * first use) that keeps up to `cacheSize` loaded models (LRU) and interleaves concurrent requests
 * token by token. A crashed thread fails its requests and is started again on the next one.
 */
export class ModelHost {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(private readonly options: { readonly cacheSize: number }) {}

  generate(request: Omit<GenerateRequest, 'type' | 'id'>, options: { onDelta?: (text: string) => void; signal?: AbortSignal } = {}): Promise<Generation> {
    if (options.signal?.aborted) return Promise.reject(new GenerationError('aborted', 'the generation was cancelled'));
    const worker = this.thread();
    const id = this.nextId++;
    return new Promise<Generation>((resolveGeneration, rejectGeneration) => {
      const abort = () => worker.postMessage({ type: 'cancel', id });
      options.signal?.addEventListener('abort', abort, { once: true });
      const settle = () => {
        options.signal?.removeEventListener('abort', abort);
        this.pending.delete(id);
        if (this.pending.size === 0) worker.unref();
      };
      this.pending.set(id, {
        onDelta: options.onDelta ?? (() => undefined),
        resolve: (generation) => {
          settle();
          resolveGeneration(generation);
        },
        reject: (error) => {
          settle();
          rejectGeneration(error);
        },
      });
      worker.ref();
      worker.postMessage({ ...request, type: 'generate', id } satisfies GenerateRequest);
    });
  }

  /** Ends the thread (process shutdown); pending requests fail. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
    this.failAll('the model host stopped');
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const entry = threadEntry();
    const worker = new Worker(entry.file, { eval: entry.eval, workerData: { cacheSize: this.options.cacheSize } });
    worker.on('message', (message: ThreadMessage) => {
      const pending = this.pending.get(message.id);
      if (!pending) return;
      if (message.type === 'delta') pending.onDelta(message.text);
      else if (message.type === 'done') pending.resolve({ text: message.text, finishReason: message.finishReason, promptTokens: message.promptTokens, completionTokens: message.completionTokens });
      else pending.reject(new GenerationError(message.kind, message.message));
    });
    const lost = (reason: string) => {
      if (this.worker === worker) this.worker = null;
      this.failAll(reason);
    };
    worker.on('error', (error) => lost(`the generation thread failed: ${error.message}`));
    worker.on('exit', (code) => lost(`the generation thread exited (code ${code})`));
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private failAll(reason: string): void {
    for (const pending of [...this.pending.values()]) pending.reject(new GenerationError('server_error', reason));
  }
}
