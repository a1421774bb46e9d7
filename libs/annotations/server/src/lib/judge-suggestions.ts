import { ANNOTATION_QUEUE_ITEM_STREAM_TYPE, annotationQueueItemStreamId, type LogEntryDetail, type ModelParameters } from '@camel/contracts';
import { judgeMessages, parseJudgeReply, queueItemDecider, type QueueItemCommand } from '@camel/annotations';
import { validateConfigSet } from '@camel/configs';
import { ConfigsReadModel } from '@camel/configs/server';
import { CommandExecutor, ID_GENERATOR, runWithRequestContext, type IdGenerator } from '@camel/server';
import { GetLogEntry, ProviderRegistry } from '@camel/workflows/server';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import type { QueueItemRecord, QueueRecord } from './annotation.entities';
import { AnnotationFacts } from './annotation-facts';
import { AnnotationsReadModel } from './annotations.read-model';

/** Judge calls in flight per process (suggestions must not crowd out runs on the same endpoints). */
const CONCURRENCY = 2;
const JUDGE_ACTOR = { type: 'system', id: 'judge' } as const;

/**
 * Pre-fills suggestions for queues with a judge agent, in the background: items are asked for after
 * they are added, and again lazily when next-item hands out one without a suggestion (so items
 * added before a restart get theirs). The judge is an agent of the project's latest config, called
 * through the process's ProviderRegistry; its reply is validated like a human answer and recorded
 * as `QueueItemSuggested` (or `QueueItemSuggestionFailed`) on the item's stream: never a response.
 */
@Injectable()
export class JudgeSuggestions implements OnApplicationShutdown {
  private readonly logger = new Logger('JudgeSuggestions');
  private readonly pending: { projectId: string; queueId: string; itemId: string }[] = [];
  private readonly queued = new Set<string>();
  private running = 0;
  private stopped = false;
  private idle: Promise<void> = Promise.resolve();
  private settle: (() => void) | null = null;

  constructor(
    private readonly reads: AnnotationsReadModel,
    private readonly facts: AnnotationFacts,
    private readonly configs: ConfigsReadModel,
    private readonly providers: ProviderRegistry,
    private readonly executor: CommandExecutor,
    private readonly queries: QueryBus,
    @Inject(ID_GENERATOR) private readonly newId: IdGenerator,
  ) {}

  /** Asks for suggestions of these items (those already suggested or queued are skipped). */
  request(projectId: string, queueId: string, itemIds: readonly string[]): void {
    if (this.stopped) return;
    for (const itemId of itemIds) {
      if (this.queued.has(itemId)) continue;
      this.queued.add(itemId);
      this.pending.push({ projectId, queueId, itemId });
    }
    this.pump();
  }

  /** Resolves when nothing is queued or in flight (tests, shutdown). */
  drained(): Promise<void> {
    return this.running === 0 && this.pending.length === 0 ? Promise.resolve() : this.idle;
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.pending.length = 0;
    await this.drained();
  }

  private pump(): void {
    if (this.running === 0 && this.pending.length > 0 && !this.settle) this.idle = new Promise((resolve) => (this.settle = resolve));
    while (this.running < CONCURRENCY && this.pending.length > 0) {
      const next = this.pending.shift() as (typeof this.pending)[number];
      this.running += 1;
      // The judge's own context (not the request's that queued the item): its events name the system.
      const id = this.newId();
      void runWithRequestContext({ requestId: id, correlationId: id, actor: JUDGE_ACTOR }, () => this.suggest(next))
        .catch((error: unknown) => this.logger.warn(`suggestion for item ${next.itemId} failed: ${(error as Error).message}`))
        .finally(() => {
          this.running -= 1;
          this.queued.delete(next.itemId);
          if (this.running === 0 && this.pending.length === 0) {
            this.settle?.();
            this.settle = null;
          }
          this.pump();
        });
    }
  }

  private async suggest({ projectId, queueId, itemId }: { projectId: string; queueId: string; itemId: string }): Promise<void> {
    const queue = await this.reads.queue(projectId, queueId);
    const item = queue ? await this.reads.item(queueId, itemId) : null;
    if (!queue?.suggestions || !item || (await this.reads.suggestion(itemId))) return;
    const agentName = queue.suggestions.agent;
    const record = (command: QueueItemCommand) =>
      this.executor.execute(queueItemDecider, { streamId: annotationQueueItemStreamId(itemId), streamType: ANNOTATION_QUEUE_ITEM_STREAM_TYPE, projectId, command });
    const facts = { queueId, projectId, itemId, entryId: item.entryId, responsesRequired: queue.responsesRequired };
    try {
      const { messages, agent, rules, alternative } = await this.prompt(projectId, queue, item, agentName);
      const result = await this.providers.providersOf(agent.config, projectId).get(agent.provider).complete({ provider: agent.provider, model: agent.model, messages, parameters: agent.parameters });
      const value = parseJudgeReply(result.choices[0]?.content ?? '', { kind: queue.kind, alternative });
      if (!value) throw new Error('the judge did not answer with a JSON object');
      await record({ type: 'SuggestForItem', item: facts, suggestionId: this.newId(), agent: agentName, model: result.model, value, rules });
    } catch (error) {
      await record({ type: 'RecordSuggestionFailure', item: facts, agent: agentName, error: (error as Error).message });
    }
  }

  private async prompt(projectId: string, queue: QueueRecord, item: QueueItemRecord, agentName: string) {
    const latest = await this.configs.latest(projectId);
    const valid = validateConfigSet(latest.files);
    if (!valid.ok) throw new Error(`config version ${latest.version} does not validate`);
    const agent = valid.value.agents.agents.find((a) => a.name === agentName);
    if (!agent) throw new Error(`agent ${agentName} is not in the latest config`);
    const entry = (await this.queries.execute(new GetLogEntry(projectId, item.entryId))) as LogEntryDetail;
    const alternativeEntry = item.alternativeEntryId ? await this.facts.entry(projectId, item.alternativeEntryId) : null;
    const alternative = alternativeEntry ? { entryId: alternativeEntry.id, content: alternativeEntry.content } : null;
    const [labels, rules] = await Promise.all([this.reads.labelSet(projectId), this.facts.rules(projectId, entry, queue, item)]);
    const messages = judgeMessages({
      kind: queue.kind,
      systemPrompt: agent.system_prompt,
      ratingScale: queue.ratingScale,
      labels: labels.map((l) => l.name),
      history: entry.prompt,
      answer: entry.content,
      alternative,
    });
    const { provider, name, ...parameters } = agent.model;
    return { messages, rules, alternative, agent: { config: valid.value, provider, model: name, parameters: parameters as ModelParameters } };
  }
}
