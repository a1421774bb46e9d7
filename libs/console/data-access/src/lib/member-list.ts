import { PROJECT_MEMBER_EVENT_TYPES, type MemberView, type ProjectMemberEvent, type RecordedEvent } from '@camel/contracts';
import type { ReadList } from './api-client';
import type { LiveListSource } from './live-list';

type RecordedMemberEvent = RecordedEvent & ProjectMemberEvent;

const MEMBER_TYPES: ReadonlySet<string> = new Set(PROJECT_MEMBER_EVENT_TYPES);
const isMemberEvent = (event: RecordedEvent): event is RecordedMemberEvent => MEMBER_TYPES.has(event.type);

/** The api's order: `ORDER BY email` (rows still waiting for their email first). */
export function compareMembers(a: MemberView, b: MemberView): number {
  if (a.email !== b.email) return a.email < b.email ? -1 : 1;
  return a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0;
}

/** A row added from an event, before its email and name are known (`fillMembers`). */
export const isPendingMember = (member: MemberView): boolean => member.email === '';

/**
 * Keeps one project's `GET /api/projects/:id/members` current from `ProjectMember` events, like the
 * identity projection: each event sets an absolute state (member with a role, or gone), so events
 * replayed in order end in the right list. `ProjectMemberAdded` carries no email or name: such a
 * row is pending until `fillMembers` completes it from a fresh list. Events of other projects are
 * ignored. Pure; returns a new array sorted like the api.
 */
export function applyMemberEvents(list: readonly MemberView[], events: readonly RecordedEvent[], projectId: string): MemberView[] {
  const rows = new Map<string, MemberView>(list.map((member) => [member.userId, member]));
  const ordered = events.filter(isMemberEvent).sort((a, b) => a.position - b.position);
  for (const event of ordered) {
    if (event.data.projectId !== projectId) continue;
    const current = rows.get(event.data.userId);
    const time = event.metadata.time;
    switch (event.type) {
      case 'ProjectMemberAdded':
        rows.set(
          event.data.userId,
          current
            ? { ...current, role: event.data.role, updatedAt: time }
            : { projectId, userId: event.data.userId, email: '', name: '', role: event.data.role, addedAt: time, updatedAt: time },
        );
        break;
      case 'ProjectMemberRoleChanged':
        if (current) rows.set(current.userId, { ...current, role: event.data.role, updatedAt: time });
        break;
      case 'ProjectMemberRemoved':
        rows.delete(event.data.userId);
        break;
      default: {
        const unhandled: never = event;
        throw new Error(`applyMemberEvents: unhandled event ${JSON.stringify(unhandled)}`);
      }
    }
  }
  return [...rows.values()].sort(compareMembers);
}

/**
 * Completes pending rows with the email and name of a freshly read list. Roles stay as the events
 * set them: the read model may lag behind the events that arrived live.
 */
export function fillMembers(list: readonly MemberView[], fetched: readonly MemberView[]): MemberView[] {
  const known = new Map(fetched.map((member) => [member.userId, member]));
  return list
    .map((member) => {
      const found = known.get(member.userId);
      return isPendingMember(member) && found ? { ...member, email: found.email, name: found.name } : member;
    })
    .sort(compareMembers);
}

/**
 * One project's members, live from the project's events. A member added live has no email or name
 * in its event: the list is read again until it holds them (the row shows its id meanwhile).
 */
export function memberListSource(projectId: string, read: () => Promise<ReadList<MemberView>>): LiveListSource<MemberView> {
  const pending = (items: readonly MemberView[]) => ({ items, stale: items.some(isPendingMember) });
  return {
    topics: [{ kind: 'project', projectId }],
    read,
    fold: (items, events) => pending(applyMemberEvents(items, events, projectId)),
    refresh: { merge: (items, fresh) => pending(fillMembers(items, fresh.items)) },
  };
}
