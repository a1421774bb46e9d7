import { permissions } from '@camel/contracts';
import { Authenticated, can, CurrentPrincipal, seesProject, type Principal } from '@camel/server';
import { Body, Controller, Get, Headers, HttpCode, Post, Res, UseFilters } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { LocalModelHost } from '../local/local-model-host';
import { ModelRegistry } from '../model-registry';
import { parseChatCompletionRequest } from './chat-completions';
import { OpenAiError, OpenAiExceptionFilter, toOpenAiError } from './openai-errors';

interface SseResponse {
  setHeader(name: string, value: string): void;
  status(code: number): SseResponse;
  write(chunk: string): boolean;
  end(): void;
  on(event: 'close', listener: () => void): void;
  flushHeaders?(): void;
  readonly writableEnded: boolean;
}

export const OPENAI_PROJECT_HEADER = 'openai-project';

/**
 * The project a `/v1` call is in: an API key's own project, or — for a signed-in user (the
 * console's playground) — the `OpenAI-Project` header; the caller needs `model:read` there.
 */
export function servingProject(principal: Principal, header: string | undefined): string {
  let projectId: string | undefined;
  if (principal.keyId) projectId = [...principal.roles.keys()][0];
  else {
    projectId = header?.trim() || undefined;
    if (!projectId) throw OpenAiError.invalid('OpenAI-Project', 'signed-in users name the project in the OpenAI-Project header (API keys belong to theirs)', 'missing_project');
  }
  if (!projectId || !seesProject(principal, projectId)) throw new OpenAiError(404, `project ${projectId ?? ''} does not exist`, 'invalid_request_error', 'OpenAI-Project', 'project_not_found');
  if (!can(principal, permissions.readModel, projectId)) throw new OpenAiError(403, `you lack the ${permissions.readModel} permission in this project`, 'permission_error');
  return projectId;
}

const unix = (iso: string) => Math.floor(Date.parse(iso) / 1000) || 0;

/**
 * OpenAI-compatible serving of the registry's models (docs/api.md "Serving"): any OpenAI client can
 * list them and chat with them, streaming or not. Errors, the guard's included, in OpenAI's shape.
 */
@ApiTags('serving')
@UseFilters(OpenAiExceptionFilter)
@ApiHeader({ name: 'OpenAI-Project', required: false, description: 'The project, for a signed-in user’s access token (an API key is in its own project)' })
@Controller('v1')
export class ServingController {
  constructor(
    private readonly registry: ModelRegistry,
    private readonly host: LocalModelHost,
  ) {}

  @Get('models')
  @Authenticated()
  @ApiOperation({ summary: 'OpenAI’s model list: the models the project can use (built-ins included, archived left out); `id` is the name to send as `model`' })
  @ApiOkResponse({ description: '{ object: "list", data: [{ id, object: "model", created, owned_by }] }' })
  async models(@CurrentPrincipal() principal: Principal, @Headers(OPENAI_PROJECT_HEADER) project?: string) {
    const projectId = servingProject(principal, project);
    const models = await this.registry.list(projectId, false);
    return { object: 'list', data: models.map((m) => ({ id: m.name, object: 'model', created: unix(m.createdAt), owned_by: m.source === 'builtin' ? 'camel-extensions' : m.projectId })) };
  }

  @Post('chat/completions')
  @HttpCode(200)
  @Authenticated()
  @ApiOperation({ summary: 'OpenAI’s chat completions on a registry model (`model`: its name or id); `stream: true` answers server-sent events ending with `data: [DONE]`' })
  @ApiBody({ schema: { type: 'object', required: ['model', 'messages'], properties: { model: { type: 'string' }, messages: { type: 'array', items: { type: 'object' } }, stream: { type: 'boolean' }, max_tokens: { type: 'integer' }, temperature: { type: 'number' }, top_p: { type: 'number' }, n: { type: 'integer' }, stop: { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] }, seed: { type: 'integer' } } } })
  @ApiOkResponse({ description: 'chat.completion, or a text/event-stream of chat.completion.chunk' })
  async chat(@CurrentPrincipal() principal: Principal, @Body() body: unknown, @Res() response: SseResponse, @Headers(OPENAI_PROJECT_HEADER) project?: string): Promise<void> {
    const projectId = servingProject(principal, project);
    const request = parseChatCompletionRequest(body);
    const model = await this.registry.resolve(projectId, request.model);
    if (!model) throw new OpenAiError(404, `The model \`${request.model}\` does not exist or you do not have access to it.`, 'invalid_request_error', 'model', 'model_not_found');
    const id = `chatcmpl-${randomUUID()}`;
    const created = Math.floor(Date.now() / 1000);
    const aborted = new AbortController();
    response.on('close', () => aborted.abort());
    const generate = (index: number, onDelta?: (text: string) => void) =>
      this.host.generate(
        { folder: model.folder, sha256: model.weightsSha256, messages: request.messages, maxTokens: request.maxTokens, temperature: request.temperature, topP: request.topP, stop: request.stop, seed: (request.seed ?? Math.floor(Math.random() * 2 ** 31)) + index },
        { signal: aborted.signal, onDelta },
      );
    const name = model.view.name;

    if (!request.stream) {
      const choices = [];
      let prompt = 0;
      let completion = 0;
      for (let index = 0; index < request.n; index++) {
        const g = await generate(index);
        choices.push({ index, message: { role: 'assistant', content: g.text, refusal: null }, logprobs: null, finish_reason: g.finishReason });
        prompt += g.promptTokens;
        completion += g.completionTokens;
      }
      response.status(200).setHeader('content-type', 'application/json');
      response.write(JSON.stringify({ id, object: 'chat.completion', created, model: name, choices, usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion } }));
      response.end();
      return;
    }

    response.status(200);
    response.setHeader('content-type', 'text/event-stream; charset=utf-8');
    response.setHeader('cache-control', 'no-cache');
    response.setHeader('connection', 'keep-alive');
    response.flushHeaders?.();
    const send = (data: unknown) => {
      if (!response.writableEnded) response.write(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
    };
    const chunk = (choices: unknown[], extra: object = {}) => send({ id, object: 'chat.completion.chunk', created, model: name, choices, ...extra });
    try {
      let prompt = 0;
      let completion = 0;
      for (let index = 0; index < request.n; index++) {
        chunk([{ index, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }]);
        const g = await generate(index, (text) => chunk([{ index, delta: { content: text }, logprobs: null, finish_reason: null }]));
        chunk([{ index, delta: {}, logprobs: null, finish_reason: g.finishReason }]);
        prompt += g.promptTokens;
        completion += g.completionTokens;
      }
      if (request.includeUsage) chunk([], { usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion } });
      send('[DONE]');
    } catch (error) {
      // Headers are gone: the error goes in the stream, as OpenAI's API sends it.
      if (!aborted.signal.aborted) send(toOpenAiError(error).body);
    }
    response.end();
  }
}
