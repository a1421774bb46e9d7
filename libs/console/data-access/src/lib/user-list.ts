import {
  SESSION_EVENT_TYPES,
  USER_EVENT_TYPES,
  type EventTopic,
  type RecordedEvent,
  type SessionEvent,
  type UserEvent,
  type UserView,
} from '@camel/contracts';
import type { ReadList } from './api-client';
import type { LiveFold, LiveListPage, LiveListSource } from './live-list';

type RecordedUserEvent = RecordedEvent & UserEvent;
type RecordedSessionEvent = RecordedEvent & SessionEvent;

const USER_TYPES: ReadonlySet<string> = new Set(USER_EVENT_TYPES);
const SESSION_TYPES: ReadonlySet<string> = new Set(SESSION_EVENT_TYPES);

const isUserEvent = (event: RecordedEvent): event is RecordedUserEvent => USER_TYPES.has(event.type);
const isSessionEvent = (event: RecordedEvent): event is RecordedSessionEvent => SESSION_TYPES.has(event.type);

/** The api's order: `ORDER BY email`. */
export function compareUsers(a: UserView, b: UserView): number {
  if (a.email !== b.email) return a.email < b.email ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export interface UserListUpdate {
  readonly users: UserView[];
  /**
   * Users whose row the events cannot complete on their own: `UserEnabled` restores `active` or
   * `invited` depending on whether a password was ever set, which the view does not hold; a sign-in of a user the list lacks
   * yet carries a last sign-in no row can take. Read these again (`GET /api/users`, or
   * `/api/users/:id`) and put them in with `replaceUser`.
   */
  readonly refetch: string[];
}

/**
 * Keeps `GET /api/users` current from the `User` and `Session` event families, like the api's
 * identity projection: idempotent by stream version (an event the row already reflects is
 * skipped), each batch applied in position order. `SessionStarted` sets the user's last sign-in.
 * Pure; returns a new array sorted like the api.
 */
export function applyUserEvents(list: readonly UserView[], events: readonly RecordedEvent[]): UserListUpdate {
  const rows = new Map<string, UserView>(list.map((user) => [user.id, user]));
  const refetch = new Set<string>();
  const ordered = [...events].sort((a, b) => a.position - b.position);

  for (const event of ordered) {
    if (isSessionEvent(event)) {
      const current = rows.get(event.data.userId);
      if (event.type !== 'SessionStarted') continue;
      // The User and Session topics are separate subscriptions: a sign-in can arrive before the
      // user's creation. The fresh row carries the sign-in.
      if (!current) refetch.add(event.data.userId);
      else if (current.lastLoginAt === null || current.lastLoginAt < event.metadata.time) {
        rows.set(current.id, { ...current, lastLoginAt: event.metadata.time });
      }
      continue;
    }
    if (!isUserEvent(event)) continue;
    const current = rows.get(event.data.userId);
    if (current && event.streamVersion <= current.version) continue;
    const time = event.metadata.time;
    if (event.type === 'UserCreated') {
      if (current) continue;
      const { userId, email, name, globalRole, status } = event.data;
      rows.set(userId, { id: userId, email, name, globalRole, status, createdAt: time, updatedAt: time, lastLoginAt: null, version: event.streamVersion });
      continue;
    }
    if (!current) continue;
    const touched = { ...current, version: event.streamVersion, updatedAt: time };
    switch (event.type) {
      case 'UserRenamed':
        rows.set(current.id, { ...touched, name: event.data.name });
        break;
      case 'UserGlobalRoleChanged':
        rows.set(current.id, { ...touched, globalRole: event.data.globalRole });
        break;
      case 'UserPasswordSet':
        rows.set(current.id, { ...touched, status: current.status === 'invited' ? 'active' : current.status });
        break;
      case 'UserPasswordResetIssued':
      case 'UserInvited':
        rows.set(current.id, touched);
        break;
      case 'UserDisabled':
        rows.set(current.id, { ...touched, status: 'disabled' });
        break;
      case 'UserEnabled':
        rows.set(current.id, touched);
        refetch.add(current.id);
        break;
      default: {
        const unhandled: never = event;
        throw new Error(`applyUserEvents: unhandled event ${JSON.stringify(unhandled)}`);
      }
    }
  }

  return { users: [...rows.values()].sort(compareUsers), refetch: [...refetch] };
}

/** Puts a freshly fetched row in, unless the list already holds a newer version of it. */
export function replaceUser(list: readonly UserView[], user: UserView): UserView[] {
  const current = list.find((row) => row.id === user.id);
  if (current && current.version > user.version) return [...list];
  return [...list.filter((row) => row.id !== user.id), user].sort(compareUsers);
}

/** `User*` changes the rows; `Session*` carries the last sign-in. */
export const USER_TOPICS: readonly EventTopic[] = [
  { kind: 'type', prefix: 'User' },
  { kind: 'type', prefix: 'Session' },
];

/**
 * Puts a fresh read in with `replaceUser`; stale while a row the list holds is newer than the read
 * model's (it has not caught up with the events yet) or missing from it.
 */
export function mergeFreshUsers(list: readonly UserView[], fresh: LiveListPage<UserView>): LiveFold<UserView> {
  const users = fresh.items.reduce<UserView[]>((rows, user) => replaceUser(rows, user), [...list]);
  const read = new Map(fresh.items.map((user) => [user.id, user.version]));
  return { items: users, stale: users.some((user) => (read.get(user.id) ?? -1) < user.version) };
}

/** Every user, live; rows the events cannot complete are read again (`applyUserEvents`' refetch). */
export function userListSource(read: () => Promise<ReadList<UserView>>): LiveListSource<UserView> {
  return {
    topics: USER_TOPICS,
    read,
    fold: (items, events) => {
      const { users, refetch } = applyUserEvents(items, events);
      return { items: users, stale: refetch.length > 0 };
    },
    refresh: { merge: mergeFreshUsers },
  };
}
