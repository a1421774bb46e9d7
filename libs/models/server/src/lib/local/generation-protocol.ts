import type { ChatMessage } from '@camel/ml';

/** Messages between the ModelHost (api or worker event loop) and its generation thread. */
export interface GenerateRequest {
  readonly type: 'generate';
  readonly id: number;
  /** The model folder (Hugging Face layout) and the sha256 its weights must have. */
  readonly folder: string;
  readonly sha256: string;
  readonly messages: readonly ChatMessage[];
  readonly maxTokens: number;
  readonly temperature: number;
  readonly topP: number;
  readonly stop: readonly string[];
  readonly seed: number;
}

export type HostMessage = GenerateRequest | { readonly type: 'cancel'; readonly id: number };

export type GenerationFinish = 'stop' | 'length';

export type ThreadMessage =
  | { readonly type: 'delta'; readonly id: number; readonly text: string }
  | { readonly type: 'done'; readonly id: number; readonly text: string; readonly finishReason: GenerationFinish; readonly promptTokens: number; readonly completionTokens: number }
  | { readonly type: 'error'; readonly id: number; readonly kind: 'bad_request' | 'server_error' | 'aborted'; readonly message: string };

/**
 * Text to emit now from what is decoded so far: cut at the first stop string (and report it), and
 * hold back a tail that could still become a stop string or that ends in an incomplete UTF-8
 * character (byte-level BPE decodes a partial character as U+FFFD).
 */
export function visibleText(decoded: string, stop: readonly string[]): { text: string; stopped: boolean } {
  let cut = -1;
  for (const s of stop) {
    const at = s === '' ? -1 : decoded.indexOf(s);
    if (at >= 0 && (cut < 0 || at < cut)) cut = at;
  }
  if (cut >= 0) return { text: decoded.slice(0, cut), stopped: true };
  let hold = 0;
  for (const s of stop) {
    for (let n = Math.min(s.length - 1, decoded.length); n > hold; n--) {
      if (decoded.endsWith(s.slice(0, n))) {
        hold = n;
        break;
      }
    }
  }
  let end = decoded.length - hold;
  while (end > 0 && decoded[end - 1] === '\uFFFD') end--;
  return { text: decoded.slice(0, end), stopped: false };
}
