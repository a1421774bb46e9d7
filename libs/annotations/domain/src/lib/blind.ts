import { DomainError } from '@camel/contracts';

/** Who is looking: their id (user or API key) and whether they manage annotations in the project. */
export interface Viewer {
  readonly id: string;
  readonly manages: boolean;
}

/** What the rule needs of an answer. */
export interface AnswerVisibility {
  readonly annotator: string;
  /** Its queue is blind (false outside a queue). */
  readonly blind: boolean;
  /** Its item reached its required responses. */
  readonly itemCompleted: boolean;
}

/**
 * Blind mode: an annotator sees other annotators' answers on an item only once the item completed.
 * Its own answers, and everything for managers (engineers, admins), are always visible.
 */
export const withheldFrom = (viewer: Viewer, answer: AnswerVisibility): boolean =>
  answer.blind && !answer.itemCompleted && !viewer.manages && answer.annotator !== viewer.id;

/**
 * The same rule on the live gateway, per event and without state: annotation events recorded while
 * their item was open in a blind queue carry `blind: true` and go only to their annotator and
 * managers (the item's QueueItemCompleted tells the others to read the answers over REST).
 */
export function liveEventWithheld(event: { readonly type: string; readonly data: unknown }, viewer: Viewer): boolean {
  if (event.type !== 'AnnotationSubmitted' && event.type !== 'AnnotationRevised') return false;
  const data = event.data as { readonly blind?: boolean; readonly annotator?: string };
  return data.blind === true && !viewer.manages && data.annotator !== viewer.id;
}

/** Annotations change nothing in an archived (read-only) project, nor in one that does not exist. */
export function requireWritableProject(standing: 'active' | 'archived' | 'none', projectId: string): void {
  if (standing === 'archived') throw DomainError.conflict('project.archived', `project ${projectId} is archived and read-only`);
  if (standing === 'none') throw DomainError.notFound('project.not-found', `project ${projectId} does not exist`);
}
