import type { RunStatus, RunView } from '@camel/contracts';
import { readProjectionPosition, type EventStore } from '@camel/event-store';
import { EVENT_STORE } from '@camel/server';
import type { Run } from '@camel/workflows';
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, type Repository } from 'typeorm';
import { RunRecord } from './run.entity';
import { runsProjection } from './runs.projection';

/** Statuses with work a worker may still have to do (a person's input has a deadline to enforce). */
export const UNFINISHED_STATUSES: readonly RunStatus[] = ['queued', 'running', 'awaiting_input'];

/** The only code that reads the `runs` table. */
@Injectable()
export class RunsReadModel {
  constructor(
    @InjectRepository(RunRecord) private readonly runs: Repository<RunRecord>,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  position(): Promise<number> {
    return readProjectionPosition(this.store.db, runsProjection.name);
  }

  async list(projectId: string, filter: { status?: RunStatus; workflow?: string } = {}): Promise<RunView[]> {
    const rows = await this.runs.find({
      where: { projectId, ...(filter.status ? { status: filter.status } : {}), ...(filter.workflow ? { workflow: filter.workflow } : {}) },
      order: { createdAt: 'DESC', id: 'DESC' },
      select: { id: true, view: true },
      take: 500,
    });
    return rows.map((row) => row.view);
  }

  async get(projectId: string, runId: string): Promise<RunView | null> {
    const row = await this.runs.findOne({ where: { id: runId, projectId }, select: { id: true, view: true } });
    return row?.view ?? null;
  }

  /** The run's folded state as the projection last applied it (prompts of its turns are rebuilt from it). */
  async state(projectId: string, runId: string): Promise<Run | null> {
    const row = await this.runs.findOne({ where: { id: runId, projectId }, select: { id: true, state: true } });
    return row?.state ?? null;
  }

  /** Runs a worker may still have to drive, oldest first (the embedded queue's work after a restart). */
  async unfinished(): Promise<string[]> {
    const rows = await this.runs.find({ where: { status: In([...UNFINISHED_STATUSES]) }, select: { id: true }, order: { createdAt: 'ASC' } });
    return rows.map((row) => row.id);
  }
}
