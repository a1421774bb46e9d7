import { ProviderError, type ChatChoice, type ChatDelta, type FinishReason, type TokenUsage } from '@camel/workflows';

const FINISH_REASONS: Readonly<Record<string, FinishReason>> = {
  stop: 'stop',
  length: 'length',
  content_filter: 'content_filter',
  tool_calls: 'tool_calls',
  function_call: 'tool_calls',
};

export interface AssembledAnswer {
  readonly choices: readonly ChatChoice[];
  readonly usage: TokenUsage | null;
  readonly model: string;
}

/**
 * Folds the chunks of one streamed chat completion into its choices, reporting each piece of text
 * as it arrives. The delta handed out is exactly the text appended, so the deltas of a choice
 * concatenate to its content. A chunk that does not have the shape of the API is `malformed_response`.
 */
export class ChatStreamAssembler {
  private readonly texts: string[][];
  private readonly finish: (FinishReason | undefined)[];
  private usage: TokenUsage | null = null;
  private model = '';

  constructor(
    private readonly provider: string,
    private readonly n: number,
    private readonly onDelta?: (delta: ChatDelta) => void,
  ) {
    this.texts = Array.from({ length: n }, () => []);
    this.finish = new Array<FinishReason | undefined>(n).fill(undefined);
  }

  add(chunk: unknown): void {
    if (!isObject(chunk) || !Array.isArray(chunk['choices'])) throw this.malformed('a chunk without a choices list');
    if (typeof chunk['model'] === 'string' && chunk['model'] !== '') this.model = chunk['model'];
    for (const choice of chunk['choices'] as unknown[]) this.addChoice(choice);
    if (chunk['usage'] !== undefined && chunk['usage'] !== null) this.usage = this.readUsage(chunk['usage']);
  }

  result(): AssembledAnswer {
    const seen = this.texts.filter((_, i) => this.texts[i].length > 0 || this.finish[i] !== undefined).length;
    if (seen < this.n) {
      throw this.malformed(`asked for ${this.n} candidates, the answer had ${seen} (does the endpoint support n?)`);
    }
    const unfinished = this.finish.findIndex((reason) => reason === undefined);
    if (unfinished >= 0) throw this.malformed(`the stream ended before choice ${unfinished} finished`);
    return {
      choices: this.texts.map((parts, i) => ({ content: parts.join(''), finishReason: this.finish[i] as FinishReason })),
      usage: this.usage,
      model: this.model,
    };
  }

  private addChoice(choice: unknown): void {
    if (!isObject(choice)) throw this.malformed('a choice that is not an object');
    const index = choice['index'];
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= this.n) {
      throw this.malformed(`a choice index ${JSON.stringify(index)} outside 0..${this.n - 1}`);
    }
    const delta = choice['delta'];
    if (delta !== undefined && delta !== null) {
      if (!isObject(delta)) throw this.malformed('a delta that is not an object');
      const content = delta['content'];
      if (content !== undefined && content !== null && typeof content !== 'string') throw this.malformed('a delta content that is not text');
      if (typeof content === 'string' && content !== '') {
        if (this.finish[index] !== undefined) throw this.malformed(`text for choice ${index} after it finished`);
        this.texts[index].push(content);
        this.onDelta?.({ choice: index, text: content });
      }
    }
    const reason = choice['finish_reason'];
    if (reason !== undefined && reason !== null) {
      if (typeof reason !== 'string') throw this.malformed('a finish_reason that is not text');
      this.finish[index] = FINISH_REASONS[reason] ?? 'other';
    }
  }

  private readUsage(usage: unknown): TokenUsage {
    if (!isObject(usage)) throw this.malformed('usage that is not an object');
    const count = (key: string): number | undefined => {
      const value = usage[key];
      if (value === undefined || value === null) return undefined;
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw this.malformed(`usage.${key} that is not a count`);
      return value;
    };
    const promptTokens = count('prompt_tokens') ?? 0;
    const completionTokens = count('completion_tokens') ?? 0;
    return { promptTokens, completionTokens, totalTokens: count('total_tokens') ?? promptTokens + completionTokens };
  }

  private malformed(what: string): ProviderError {
    return new ProviderError('malformed_response', `provider ${this.provider}: malformed answer: ${what}`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
