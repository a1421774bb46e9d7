import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { GenerationError, ModelHost } from './model-host';

/** The real generation thread on libs/ml's tiny random Llama (context 64). */
const TINY = resolve(__dirname, '../../../../../ml/src/fixtures/tiny-llama');
const sha = (folder: string) => createHash('sha256').update(readFileSync(join(folder, 'model.safetensors'))).digest('hex');

describe('ModelHost (generation thread)', () => {
  let dir: string;
  let host: ModelHost;
  const request = (over: Partial<Parameters<ModelHost['generate']>[0]> = {}) => ({
    folder: TINY,
    sha256: sha(TINY),
    messages: [{ role: 'user' as const, content: 'Hello there' }],
    maxTokens: 12,
    temperature: 0,
    topP: 1,
    stop: [],
    seed: 1,
    ...over,
  });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'camel-host-'));
  });
  beforeEach(() => {
    host = new ModelHost({ cacheSize: 1 });
  });
  afterEach(() => host.close());
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('streams deltas that add up to the reply; greedy is deterministic; concurrent calls both finish', async () => {
    const deltas: string[] = [];
    const first = await host.generate(request(), { onDelta: (text) => deltas.push(text) });
    expect(deltas.join('')).toBe(first.text);
    expect(first.completionTokens).toBeGreaterThan(0);
    expect(first.completionTokens).toBeLessThanOrEqual(12);
    expect(first.promptTokens).toBeGreaterThan(0);
    const [a, b] = await Promise.all([host.generate(request()), host.generate(request({ temperature: 1, seed: 5 }))]);
    expect(a.text).toBe(first.text);
    expect(b.completionTokens).toBeGreaterThan(0);
  });

  it('cancels between tokens', async () => {
    const aborted = new AbortController();
    const pending = host.generate(request({ maxTokens: 32, temperature: 1 }), { signal: aborted.signal, onDelta: () => aborted.abort() });
    await expect(pending).rejects.toMatchObject({ kind: 'aborted' });
  });

  it('refuses weights that changed since registration, and loads another model (cache of one) after it', async () => {
    const changed = join(dir, 'changed');
    cpSync(TINY, changed, { recursive: true });
    const expected = sha(changed);
    const weights = readFileSync(join(changed, 'model.safetensors'));
    weights[weights.length - 1] ^= 0xff;
    writeFileSync(join(changed, 'model.safetensors'), weights);
    await expect(host.generate(request({ folder: changed, sha256: expected }))).rejects.toMatchObject({ kind: 'server_error', message: expect.stringContaining('changed since the model was registered') });
    const other = join(dir, 'other');
    cpSync(TINY, other, { recursive: true });
    expect((await host.generate(request({ folder: other, sha256: sha(other) }))).completionTokens).toBeGreaterThan(0);
    expect((await host.generate(request())).completionTokens).toBeGreaterThan(0);
  });

  it('fails the calls of a thread that dies, and starts a new thread for the next call', async () => {
    await host.generate(request({ maxTokens: 2 }));
    const thread = (host as unknown as { worker: { terminate(): Promise<number> } }).worker;
    const pending = host.generate(request({ maxTokens: 32 }));
    await thread.terminate();
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GenerationError);
    expect(error).toMatchObject({ kind: 'server_error' });
    expect((await host.generate(request())).completionTokens).toBeGreaterThan(0);
  });
});
