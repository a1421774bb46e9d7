import type { ChatMessage } from '@camel/ml';
import { OpenAiError } from './openai-errors';

/** An OpenAI chat completions request, as far as the local models serve it (unknown fields are ignored, as OpenAI's clients send many). */
export interface ChatCompletionRequest {
  readonly model: string;
  readonly messages: ChatMessage[];
  readonly stream: boolean;
  readonly includeUsage: boolean;
  readonly maxTokens: number;
  readonly temperature: number;
  readonly topP: number;
  readonly n: number;
  readonly stop: string[];
  readonly seed: number | null;
}

export const SERVING_LIMITS = { maxTokens: 4096, n: 8, stop: 4, messages: 1000 } as const;
const ROLES = ['system', 'user', 'assistant', 'developer'] as const;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function numberIn(body: Record<string, unknown>, key: string, min: number, max: number, fallback: number, integer = false): number {
  const value = body[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw OpenAiError.invalid(key, `${key} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}`);
  }
  return value;
}

/** Content as a string, or OpenAI's list of parts of which only text parts are served. */
function contentOf(raw: unknown, i: number): string {
  if (typeof raw === 'string') return raw;
  if (Array.isArray(raw)) {
    return raw
      .map((part, j) => {
        if (!isObject(part) || part['type'] !== 'text' || typeof part['text'] !== 'string') throw OpenAiError.invalid(`messages[${i}].content[${j}]`, 'only text content parts are supported');
        return part['text'];
      })
      .join('');
  }
  throw OpenAiError.invalid(`messages[${i}].content`, `messages[${i}].content must be a string`);
}

/** Validates the body; throws a 400 in OpenAI's shape naming the parameter. */
export function parseChatCompletionRequest(body: unknown): ChatCompletionRequest {
  if (!isObject(body)) throw OpenAiError.invalid('body', 'the request body must be a JSON object');
  const model = body['model'];
  if (typeof model !== 'string' || model.trim() === '') throw OpenAiError.invalid('model', 'model must name a model (GET /v1/models lists them)');
  const raw = body['messages'];
  if (!Array.isArray(raw) || raw.length === 0) throw OpenAiError.invalid('messages', 'messages must be a non-empty array');
  if (raw.length > SERVING_LIMITS.messages) throw OpenAiError.invalid('messages', `at most ${SERVING_LIMITS.messages} messages`);
  const messages = raw.map((m, i): ChatMessage => {
    if (!isObject(m)) throw OpenAiError.invalid(`messages[${i}]`, `messages[${i}] must be an object`);
    const role = m['role'];
    if (!ROLES.includes(role as (typeof ROLES)[number])) throw OpenAiError.invalid(`messages[${i}].role`, `messages[${i}].role must be one of ${ROLES.join(', ')}`);
    return { role: role === 'developer' ? 'system' : (role as ChatMessage['role']), content: contentOf(m['content'], i) };
  });
  const stream = body['stream'];
  if (stream !== undefined && stream !== null && typeof stream !== 'boolean') throw OpenAiError.invalid('stream', 'stream must be a boolean');
  const options = body['stream_options'];
  if (options !== undefined && options !== null && !isObject(options)) throw OpenAiError.invalid('stream_options', 'stream_options must be an object');
  const rawStop = body['stop'];
  const stop = rawStop === undefined || rawStop === null ? [] : typeof rawStop === 'string' ? [rawStop] : rawStop;
  if (!Array.isArray(stop) || stop.length > SERVING_LIMITS.stop || stop.some((s) => typeof s !== 'string' || s === '')) {
    throw OpenAiError.invalid('stop', `stop must be a string or up to ${SERVING_LIMITS.stop} non-empty strings`);
  }
  const maxKey = body['max_completion_tokens'] !== undefined && body['max_completion_tokens'] !== null ? 'max_completion_tokens' : 'max_tokens';
  const seed = body['seed'];
  if (seed !== undefined && seed !== null && !Number.isSafeInteger(seed)) throw OpenAiError.invalid('seed', 'seed must be an integer');
  return {
    model,
    messages,
    stream: stream === true,
    includeUsage: isObject(options) && options['include_usage'] === true,
    maxTokens: numberIn(body, maxKey, 1, SERVING_LIMITS.maxTokens, 256, true),
    temperature: numberIn(body, 'temperature', 0, 2, 1),
    topP: numberIn(body, 'top_p', 0, 1, 1),
    n: numberIn(body, 'n', 1, SERVING_LIMITS.n, 1, true),
    stop: stop as string[],
    seed: typeof seed === 'number' ? seed : null,
  };
}
