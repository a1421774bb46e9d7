import type { BpeTokenizer } from './tokenizer';

export interface ChatMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
}

/**
 * Multi-turn prompts in the ChatML template (SmolLM's, and the platform's own models'):
 * `<|im_start|>{role}\n{content}<|im_end|>\n` per message, then `<|im_start|>assistant\n` for the
 * reply. `<|im_start|>` and `<|im_end|>` are encoded as the tokenizer's special tokens when it has
 * them (as plain text otherwise). The completion a model is trained on ends with `<|im_end|>`.
 */
export const CHAT_START = '<|im_start|>';
export const CHAT_END = '<|im_end|>';

export function renderChat(messages: readonly ChatMessage[]): string {
  return `${messages.map((m) => `${CHAT_START}${m.role}\n${m.content}${CHAT_END}\n`).join('')}${CHAT_START}assistant\n`;
}

export function encodeChat(tokenizer: BpeTokenizer, messages: readonly ChatMessage[]): number[] {
  return tokenizer.encode(renderChat(messages));
}

export function encodeReply(tokenizer: BpeTokenizer, reply: string): number[] {
  return tokenizer.encode(`${reply}${CHAT_END}`);
}
