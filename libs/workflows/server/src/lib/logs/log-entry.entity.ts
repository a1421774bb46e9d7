import type { AgentKind, AlternativeSource, FinishReason, LogEntryKind, ModelParameters, TerminationReason, TokenUsage, TurnRole } from '@camel/contracts';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** One model answer or human turn of a run (a turn, an alternative, the task specifier's answer). */
@Entity('log_entries')
@Index('log_entries_project_position', ['projectId', 'position'])
@Index('log_entries_run', ['runId', 'position'])
@Index('log_entries_project_agent', ['projectId', 'agent', 'position'])
@Index('log_entries_project_model', ['projectId', 'model', 'position'])
@Index('log_entries_project_workflow', ['projectId', 'workflow', 'position'])
@Index('log_entries_project_time', ['projectId', 'createdAt'])
@Index('log_entries_project_latency', ['projectId', 'latencyMs', 'position'])
@Index('log_entries_project_tokens', ['projectId', 'totalTokens', 'position'])
export class LogEntryRecord {
  /** `<runId>:<turnId>`, `<runId>:<alternativeId>`, `<runId>:specify`. */
  @PrimaryColumn('text') id!: string;
  /** Global log position of the event that recorded it: the explorer's default order and cursor. */
  @Column('bigint', { transformer: { from: (v: string | number) => Number(v), to: (v: number) => v } }) position!: number;
  @Column('text') kind!: LogEntryKind;
  @Column('text', { name: 'project_id' }) projectId!: string;
  @Column('text', { name: 'run_id' }) runId!: string;
  @Column('text') workflow!: string;
  @Column('text', { name: 'turn_id', nullable: true }) turnId!: string | null;
  @Column('integer', { name: 'turn_index', nullable: true }) index!: number | null;
  @Column('text') agent!: string;
  @Column('text', { name: 'agent_kind' }) agentKind!: AgentKind;
  @Column('text', { nullable: true }) role!: TurnRole | null;
  @Column('text', { nullable: true }) step!: string | null;
  @Column('integer', { nullable: true }) iteration!: number | null;
  @Column('text', { nullable: true }) source!: AlternativeSource | null;
  @Column('text', { nullable: true }) provider!: string | null;
  @Column('text', { nullable: true }) model!: string | null;
  @Column('simple-json', { nullable: true }) parameters!: ModelParameters | null;
  @Column('text') content!: string;
  @Column('text', { name: 'finish_reason', nullable: true }) finishReason!: FinishReason | null;
  @Column('simple-json', { nullable: true }) usage!: TokenUsage | null;
  @Column('integer', { name: 'total_tokens', default: 0 }) totalTokens!: number;
  @Column('integer', { name: 'latency_ms', nullable: true }) latencyMs!: number | null;
  @Column('text', { name: 'termination_reason', nullable: true }) terminationReason!: TerminationReason | null;
  @Column('boolean', { default: false }) annotated!: boolean;
  @Column('text', { name: 'created_at' }) createdAt!: string;
}

/** What the logs projection must know of a run to fill its entries. */
@Entity('log_runs')
export class LogRunRecord {
  @PrimaryColumn('text', { name: 'run_id' }) runId!: string;
  @Column('text', { name: 'project_id' }) projectId!: string;
  @Column('text') workflow!: string;
  @Column('text', { name: 'termination_reason', nullable: true }) terminationReason!: TerminationReason | null;
}

/** Which entry each annotation is about (the logs projection's own record, for `annotated` when one is withdrawn). */
@Entity('log_annotations')
@Index('log_annotations_entry', ['entryId'])
export class LogAnnotationRecord {
  @PrimaryColumn('text', { name: 'annotation_id' }) annotationId!: string;
  @Column('text', { name: 'entry_id' }) entryId!: string;
  @Column('boolean', { default: false }) withdrawn!: boolean;
}
