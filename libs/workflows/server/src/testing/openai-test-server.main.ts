import { startOpenAiTestServer, type OpenAiTestServer } from './openai-test-server';

const USAGE = 'usage: serve-openai-test-server [--port N] [--latency MS] [--chunk-delay MS] [--model NAME]... [--api-key KEY]';

/**
 * The test server as a process (manual use, benchmarks): answers every request with the echo reply
 * after `--latency` ms (default 50) and prints its base URL.
 */
export async function main(argv: readonly string[] = process.argv.slice(2), print: (line: string) => void = console.log): Promise<OpenAiTestServer> {
  const options: { port: number; latencyMs: number; chunkDelayMs: number; models: string[]; apiKey?: string } = { port: 0, latencyMs: 50, chunkDelayMs: 0, models: [] };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (value === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
    i += 1;
    const count = () => {
      const parsed = Number(value);
      if (!Number.isInteger(parsed) || parsed < 0) throw new Error(`${flag} must be a whole number, got "${value}"\n${USAGE}`);
      return parsed;
    };
    if (flag === '--port') options.port = count();
    else if (flag === '--latency') options.latencyMs = count();
    else if (flag === '--chunk-delay') options.chunkDelayMs = count();
    else if (flag === '--model') options.models.push(value);
    else if (flag === '--api-key') options.apiKey = value;
    else throw new Error(`unknown option ${flag}\n${USAGE}`);
  }
  const server = await startOpenAiTestServer({ ...options, models: options.models.length > 0 ? options.models : undefined });
  print(`OpenAI-compatible test server on ${server.url} (${options.latencyMs} ms per reply)`);
  return server;
}
