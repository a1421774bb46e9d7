import { ANNOTATION_EVENT_TYPES, RUN_EVENT_TYPES, type AnnotationEvent, type ModelCall, type RecordedEvent, type RunEvent, type TerminationReason, type TurnRecorded } from '@camel/contracts';
import type { ReadModelProjection } from '@camel/server';
import type { EntityManager } from 'typeorm';
import { LogAnnotationRecord, LogEntryRecord, LogRunRecord } from './log-entry.entity';
import { createLogSearch, LOG_FTS_TABLE } from './log-search';

type Entry = Omit<LogEntryRecord, 'annotated'>;

const callColumns = (call: ModelCall | null) => ({
  provider: call?.provider ?? null,
  model: call?.answeredBy || call?.model || null,
  parameters: call?.parameters ?? null,
  usage: call?.usage ?? null,
  totalTokens: call?.usage?.totalTokens ?? 0,
  latencyMs: call?.latencyMs ?? null,
});

/** The model call a turn's own answer came from (with a critic: the call that proposed the candidates). */
const turnCall = (turn: TurnRecorded['data']): ModelCall | null => turn.call;

/** `annotated`: the entry has at least one annotation that was not withdrawn. */
async function applyAnnotation(manager: EntityManager, event: AnnotationEvent): Promise<void> {
  const links = manager.getRepository(LogAnnotationRecord);
  if (event.type === 'AnnotationSubmitted') {
    await links.upsert({ annotationId: event.data.annotationId, entryId: event.data.entryId, withdrawn: false }, ['annotationId']);
    await manager.getRepository(LogEntryRecord).update({ id: event.data.entryId }, { annotated: true });
    return;
  }
  if (event.type !== 'AnnotationWithdrawn') return;
  const link = await links.findOneBy({ annotationId: event.data.annotationId });
  if (!link) return;
  await links.update(link.annotationId, { withdrawn: true });
  const remaining = await links.countBy({ entryId: link.entryId, withdrawn: false });
  await manager.getRepository(LogEntryRecord).update({ id: link.entryId }, { annotated: remaining > 0 });
}

/**
 * The logs explorer's read model (the seed's DB Manager): every turn, alternative and specified task
 * of every run as an entry, searchable by keyword, with the run's termination reason.
 */
export const logsProjection: ReadModelProjection = {
  name: 'logs',
  version: 3,
  entities: [LogEntryRecord, LogRunRecord, LogAnnotationRecord],
  extraTables: [LOG_FTS_TABLE],
  eventTypes: [...RUN_EVENT_TYPES, ...ANNOTATION_EVENT_TYPES],
  createExtras: createLogSearch,

  async apply(manager: EntityManager, recorded: RecordedEvent) {
    if ((ANNOTATION_EVENT_TYPES as readonly string[]).includes(recorded.type)) return applyAnnotation(manager, { type: recorded.type, data: recorded.data } as AnnotationEvent);
    const event = { type: recorded.type, data: recorded.data } as RunEvent;
    const runs = manager.getRepository(LogRunRecord);
    const entries = manager.getRepository(LogEntryRecord);
    const runId = event.data.runId;
    const setReason = async (reason: TerminationReason | null) => {
      await runs.update(runId, { terminationReason: reason });
      await entries.update({ runId }, { terminationReason: reason });
    };
    if (event.type === 'RunStarted') {
      await runs.upsert({ runId, projectId: event.data.projectId, workflow: event.data.workflow, terminationReason: null }, ['runId']);
      return;
    }
    const run = await runs.findOneBy({ runId });
    if (!run) throw new Error(`logs projection: ${event.type} for unknown run ${runId}`);
    const base = { position: recorded.position, projectId: run.projectId, runId, workflow: run.workflow, terminationReason: run.terminationReason, createdAt: recorded.metadata.time };
    const insert = (entry: Entry) => entries.createQueryBuilder().insert().values(entry).orIgnore().execute();
    switch (event.type) {
      case 'TaskSpecified':
        await insert({
          ...base,
          id: `${runId}:specify`,
          kind: 'task_specify',
          turnId: null,
          index: null,
          agent: event.data.agent,
          agentKind: 'ai',
          role: null,
          step: null,
          iteration: null,
          source: null,
          content: event.data.specifiedTask,
          finishReason: event.data.finishReason,
          ...callColumns(event.data.call),
        });
        return;
      case 'TurnRecorded': {
        const turn = event.data;
        await insert({
          ...base,
          id: `${runId}:${turn.turnId}`,
          kind: 'turn',
          turnId: turn.turnId,
          index: turn.index,
          agent: turn.agent,
          agentKind: turn.kind,
          role: turn.role,
          step: turn.step?.id ?? null,
          iteration: turn.step?.iteration ?? null,
          source: null,
          content: turn.content,
          finishReason: turn.finishReason,
          ...callColumns(turnCall(turn)),
        });
        return;
      }
      case 'AlternativeRecorded': {
        const alt = event.data;
        const turn = await entries.findOneBy({ id: `${runId}:${alt.turnId}` });
        if (!turn) throw new Error(`logs projection: alternative ${alt.alternativeId} of unknown turn ${alt.turnId}`);
        // A critic's candidates came from the turn's own call; a regeneration made its own.
        const call = alt.call
          ? callColumns(alt.call)
          : { provider: turn.provider, model: turn.model, parameters: turn.parameters, usage: null, totalTokens: 0, latencyMs: null };
        await insert({
          ...base,
          id: `${runId}:${alt.alternativeId}`,
          kind: 'alternative',
          turnId: alt.turnId,
          index: turn.index,
          agent: turn.agent,
          agentKind: 'ai',
          role: turn.role,
          step: turn.step,
          iteration: turn.iteration,
          source: alt.source,
          content: alt.content,
          finishReason: alt.finishReason,
          ...call,
        });
        return;
      }
      case 'RunCompleted':
        await setReason(event.data.reason);
        return;
      case 'RunCancelled':
        await setReason('stopped');
        return;
      case 'TurnFailed':
        // A failed regeneration leaves the run as it was.
        if (event.data.purpose !== 'regenerate') await setReason('error');
        return;
      case 'RunRetried':
        await setReason(null);
        return;
      default:
        return;
    }
  },
};
