import { signal, type Signal } from '@angular/core';
import type { MemberView } from '@camel/contracts';
import type { ApiService } from '../../core/api.service';

/** People's names by user id in a project (answers and progress name their annotators by id). */
export interface MemberNames {
  readonly members: Signal<ReadonlyMap<string, MemberView>>;
  /** Reads the project's members (a failed read leaves ids as they are: ApiService has said why). */
  load(projectId: string): void;
  /** The member's name, else `fallback(userId)` (default: the id). */
  nameOf(userId: string, fallback?: (userId: string) => string): string;
}

export function memberNames(api: ApiService): MemberNames {
  const members = signal<ReadonlyMap<string, MemberView>>(new Map());
  return {
    members: members.asReadonly(),
    load: (projectId) =>
      void api.listMembers(projectId).then(
        (list) => members.set(new Map(list.items.map((member) => [member.userId, member]))),
        () => undefined,
      ),
    nameOf: (userId, fallback = (id) => id) => members().get(userId)?.name ?? fallback(userId),
  };
}
