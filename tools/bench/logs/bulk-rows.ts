import type { RecordedEvent, RunCompleted, RunStarted, TurnRecorded } from '@camel/contracts';
import type { LogEntryRecord, LogRunRecord } from '@camel/workflows/server';

export type EntryRow = Omit<LogEntryRecord, 'annotated'> & { readonly annotated: boolean };

/**
 * The rows the logs projection ends with for the corpus's events (RunStarted, TurnRecorded,
 * RunCompleted), built in memory so they can be inserted many at a time. load.ts checks them
 * against what the projection itself wrote for the first runs, so a change in the projection that
 * this copy misses stops the benchmark instead of measuring other rows.
 */
export class BulkRows {
  private run: LogRunRecord | null = null;
  private entries: EntryRow[] = [];

  /** The finished run's rows once its RunCompleted arrives, else null. */
  add(recorded: RecordedEvent): { run: LogRunRecord; entries: EntryRow[] } | null {
    switch (recorded.type) {
      case 'RunStarted': {
        const data = recorded.data as RunStarted['data'];
        this.run = { runId: data.runId, projectId: data.projectId, workflow: data.workflow, terminationReason: null };
        this.entries = [];
        return null;
      }
      case 'TurnRecorded': {
        const run = this.current(recorded);
        const turn = recorded.data as TurnRecorded['data'];
        const call = turn.call;
        this.entries.push({
          id: `${run.runId}:${turn.turnId}`,
          position: recorded.position,
          kind: 'turn',
          projectId: run.projectId,
          runId: run.runId,
          workflow: run.workflow,
          turnId: turn.turnId,
          index: turn.index,
          agent: turn.agent,
          agentKind: turn.kind,
          role: turn.role,
          step: turn.step?.id ?? null,
          iteration: turn.step?.iteration ?? null,
          source: null,
          provider: call?.provider ?? null,
          model: call?.answeredBy || call?.model || null,
          parameters: call?.parameters ?? null,
          content: turn.content,
          finishReason: turn.finishReason,
          usage: call?.usage ?? null,
          totalTokens: call?.usage?.totalTokens ?? 0,
          latencyMs: call?.latencyMs ?? null,
          terminationReason: null,
          annotated: false,
          createdAt: recorded.metadata.time,
        });
        return null;
      }
      case 'RunCompleted': {
        const reason = (recorded.data as RunCompleted['data']).reason;
        const run = { ...this.current(recorded), terminationReason: reason };
        const entries = this.entries.map((entry) => ({ ...entry, terminationReason: reason }));
        this.run = null;
        this.entries = [];
        return { run, entries };
      }
      default:
        throw new Error(`bulk rows: the corpus has no ${recorded.type}`);
    }
  }

  private current(recorded: RecordedEvent): LogRunRecord {
    if (!this.run) throw new Error(`bulk rows: ${recorded.type} before RunStarted`);
    return this.run;
  }
}
