import { liveEventWithheld, requireWritableProject, withheldFrom } from './blind';

describe('blind mode', () => {
  const annotator = { id: 'u2', manages: false };
  const manager = { id: 'e1', manages: true };

  it('withholds another annotator’s answer in a blind queue until the item completes', () => {
    expect(withheldFrom(annotator, { annotator: 'u1', blind: true, itemCompleted: false })).toBe(true);
    expect(withheldFrom(annotator, { annotator: 'u1', blind: true, itemCompleted: true })).toBe(false);
  });

  it('never withholds one’s own answers, anything from managers, or answers of a non-blind queue', () => {
    expect(withheldFrom(annotator, { annotator: 'u2', blind: true, itemCompleted: false })).toBe(false);
    expect(withheldFrom(manager, { annotator: 'u1', blind: true, itemCompleted: false })).toBe(false);
    expect(withheldFrom(annotator, { annotator: 'u1', blind: false, itemCompleted: false })).toBe(false);
  });

  it('live: blind-marked annotation events go to their annotator and managers only; other events pass', () => {
    const event = { type: 'AnnotationSubmitted', data: { annotator: 'u1', blind: true } };
    expect(liveEventWithheld(event, annotator)).toBe(true);
    expect(liveEventWithheld(event, { id: 'u1', manages: false })).toBe(false);
    expect(liveEventWithheld(event, manager)).toBe(false);
    expect(liveEventWithheld({ type: 'AnnotationRevised', data: { annotator: 'u1', blind: true } }, annotator)).toBe(true);
    expect(liveEventWithheld({ type: 'AnnotationSubmitted', data: { annotator: 'u1', blind: false } }, annotator)).toBe(false);
    expect(liveEventWithheld({ type: 'QueueItemResponded', data: { annotator: 'u1' } }, annotator)).toBe(false);
  });
});

describe('project standing', () => {
  it('an archived project is read-only; an unknown one does not exist; an active one passes', () => {
    expect(() => requireWritableProject('archived', 'p')).toThrow(expect.objectContaining({ kind: 'conflict', code: 'project.archived' }));
    expect(() => requireWritableProject('none', 'p')).toThrow(expect.objectContaining({ kind: 'not-found' }));
    expect(() => requireWritableProject('active', 'p')).not.toThrow();
  });
});
