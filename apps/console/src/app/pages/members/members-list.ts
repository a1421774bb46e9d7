import { inject } from '@angular/core';
import { PROJECT_MEMBER_EVENT_TYPES, type MemberView, type RecordedEvent } from '@camel/contracts';
import { memberListSource } from '@camel/console-data-access';
import { ApiService } from '../../core/api.service';
import { AuthService } from '../../core/auth.service';
import { injectLiveList, type LiveListStore } from '../../core/live-list';

const MEMBER_TYPES: ReadonlySet<string> = new Set(PROJECT_MEMBER_EVENT_TYPES);

/** Names the signed-in user (a change of their own membership changes what they may do). */
function touches(event: RecordedEvent, userId: string): boolean {
  return MEMBER_TYPES.has(event.type) && (event.data as { userId?: unknown }).userId === userId;
}

/**
 * One project's members, kept live (`memberListSource`); when an event changes the signed-in
 * user's own membership, who they are is read again so the pages show what they may do now.
 */
export function injectMembersList(): LiveListStore<MemberView, [projectId: string]> {
  const api = inject(ApiService);
  const auth = inject(AuthService);
  return injectLiveList(
    (projectId: string) => ({
      ...memberListSource(projectId, () => api.listMembers(projectId)),
      applied: (events: readonly RecordedEvent[]) => {
        const me = auth.me()?.actor;
        if (me?.type === 'user' && events.some((event) => touches(event, me.id))) void auth.reloadMe();
      },
    }),
    { clearOnLoad: true },
  );
}
