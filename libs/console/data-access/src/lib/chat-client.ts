import type { ChatMessage } from '@camel/contracts';
import type { ApiClient } from './api-client';

export interface ChatRequest {
  /** A registry model id or name. */
  readonly model: string;
  readonly messages: readonly ChatMessage[];
  readonly temperature?: number;
  readonly max_tokens?: number;
}

/** How a streamed reply ended: its text, OpenAI's finish reason, the usage when the server sent it. */
export interface ChatReply {
  readonly content: string;
  readonly finishReason: string | null;
  readonly usage: { readonly prompt_tokens: number; readonly completion_tokens: number } | null;
}

/**
 * Server-sent events, fed as text chunks in any cut: `push` returns the `data` of every event
 * completed so far (multi-line data joined by `\n`; comments and other fields ignored). Events end
 * at a blank line; `\r\n` and `\n` both end lines.
 */
export class SseParser {
  private buffer = '';
  private data: string[] = [];

  push(chunk: string): string[] {
    this.buffer += chunk;
    const events: string[] = [];
    let newline: number;
    while ((newline = this.buffer.search(/\r?\n|\r/)) >= 0) {
      const line = this.buffer.slice(0, newline);
      const breakLength = this.buffer.startsWith('\r\n', newline) ? 2 : 1;
      // A lone `\r` at the end of a chunk may be the first half of `\r\n`: wait for the next chunk.
      if (breakLength === 1 && this.buffer[newline] === '\r' && newline === this.buffer.length - 1) break;
      this.buffer = this.buffer.slice(newline + breakLength);
      if (line === '') {
        if (this.data.length) events.push(this.data.join('\n'));
        this.data = [];
      } else if (line.startsWith('data:')) {
        this.data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
      }
    }
    return events;
  }
}

interface ChunkChoice {
  readonly delta?: { readonly content?: string | null };
  readonly finish_reason?: string | null;
}

/**
 * `/v1/chat/completions` with `stream: true` for the console's playground: the signed-in user's
 * access token plus `OpenAI-Project: <projectId>`. Calls `onDelta` with every piece of text as it
 * arrives and resolves with the whole reply at `[DONE]` (or the stream's end).
 */
export class ChatClient {
  constructor(private readonly client: ApiClient) {}

  async stream(projectId: string, request: ChatRequest, onDelta: (text: string) => void, signal?: AbortSignal): Promise<ChatReply> {
    const response = await this.client.openStream('POST', '/v1/chat/completions', { ...request, stream: true }, { 'openai-project': projectId }, signal);
    const body = response.body;
    if (!body) throw new Error('The server sent no stream.');
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    const parser = new SseParser();
    let content = '';
    let finishReason: string | null = null;
    let usage: ChatReply['usage'] = null;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      for (const data of parser.push(value)) {
        if (data.trim() === '[DONE]') {
          await reader.cancel();
          return { content, finishReason, usage };
        }
        const chunk = JSON.parse(data) as { choices?: readonly ChunkChoice[]; usage?: ChatReply['usage']; error?: { message?: string } };
        if (chunk.error) throw new Error(chunk.error.message ?? 'The model failed.');
        const choice = chunk.choices?.[0];
        const text = choice?.delta?.content;
        if (text) {
          content += text;
          onDelta(text);
        }
        if (choice?.finish_reason) finishReason = choice.finish_reason;
        if (chunk.usage) usage = chunk.usage;
      }
    }
    return { content, finishReason, usage };
  }
}
