import type { RunDelta, RunDeltaCall } from '@camel/contracts';
import { RunDeltaAssembler, regenerationOfCall, turnIndexOfCall } from './run-deltas';
import { runStream } from './testing/run-events';

/** What a delta of `callId` names (the executor's: the turn of a turn's call, the alternative of a regeneration's). */
const callNamed = (callId: string): RunDeltaCall => {
  const regenerated = regenerationOfCall(callId);
  const index = turnIndexOfCall(callId.replace(/\/critic$/, ''));
  const place = { turnId: index === null ? null : `turn-${index}`, index, agent: 'stock_trader' };
  return { callId, purpose: regenerated !== null ? 'regenerate' : callId === 'specify' ? 'task_specify' : callId.endsWith('/critic') ? 'critic' : 'turn', ...place, alternativeId: regenerated };
};
const delta = (callId: string, offset: number, text: string, patch: Partial<RunDelta> = {}): RunDelta => ({ ...callNamed(callId), runId: 'r1', choice: 0, offset, text, ...patch });

describe('RunDeltaAssembler', () => {
  const s = runStream('r1');
  s.recorded(s.started());
  s.recorded(s.began());

  it('concatenates the deltas of a call: their text equals the completed turn', () => {
    const assembler = new RunDeltaAssembler('r1');
    const content = 'Instruction: write a parser.\nInput: None';
    let offset = 0;
    for (const piece of ['Instruction: ', 'write a ', 'parser.', '\nInput: None']) {
      expect(assembler.apply(delta('turn-1', offset, piece))).toBe(true);
      offset += piece.length;
    }
    expect(assembler.textOf('turn-1')).toBe(content);
    expect(assembler.streaming).toEqual([{ ...callNamed('turn-1'), choice: 0, text: content, gap: false }]);
  });

  it('drops the text when the turn is recorded and ignores deltas that arrive after it', () => {
    const assembler = new RunDeltaAssembler('r1');
    assembler.apply(delta('turn-1', 0, 'Instruction'));
    expect(assembler.settle([s.recorded(s.turn(1, 'Instruction: go'))])).toBe(true);
    expect(assembler.streaming).toEqual([]);
    expect(assembler.apply(delta('turn-1', 11, ': go'))).toBe(false);
    expect(assembler.streaming).toEqual([]);
  });

  it('a re-subscription snapshot (offset 0, the text so far) replaces, and repeated deltas change nothing', () => {
    const assembler = new RunDeltaAssembler('r1');
    assembler.apply(delta('turn-2', 0, 'Solu'));
    assembler.apply(delta('turn-2', 4, 'tion'));
    expect(assembler.apply(delta('turn-2', 4, 'tion'))).toBe(false);
    // Reconnected: the server sends everything so far, then continues.
    expect(assembler.apply(delta('turn-2', 0, 'Solution: he'))).toBe(true);
    assembler.apply(delta('turn-2', 12, 're'));
    expect(assembler.textOf('turn-2')).toBe('Solution: here');
  });

  it('marks a gap when a delta starts past the text, until a snapshot fills it', () => {
    const assembler = new RunDeltaAssembler('r1');
    assembler.apply(delta('turn-2', 0, 'ab'));
    assembler.apply(delta('turn-2', 5, 'fg'));
    expect(assembler.streaming[0]).toMatchObject({ text: 'abfg', gap: true });
    assembler.apply(delta('turn-2', 0, 'abcdefg'));
    expect(assembler.streaming[0]).toMatchObject({ text: 'abcdefg', gap: false });
  });

  it('a reset (the provider retried the call) voids the text so far', () => {
    const assembler = new RunDeltaAssembler('r1');
    assembler.apply(delta('turn-3', 0, 'half an ans'));
    assembler.apply(delta('turn-3', 0, 'Fresh', { reset: true }));
    expect(assembler.textOf('turn-3')).toBe('Fresh');
  });

  it('keeps choices (candidates) apart and drops them all when the candidates are proposed', () => {
    const assembler = new RunDeltaAssembler('r1');
    assembler.apply(delta('turn-1', 0, 'A', { choice: 0 }));
    assembler.apply(delta('turn-1', 0, 'B', { choice: 1 }));
    expect(assembler.streaming.map((text) => text.text)).toEqual(['A', 'B']);
    const c = runStream('r1');
    assembler.settle([
      c.recorded({
        type: 'CandidatesProposed',
        data: {
          runId: 'r1',
          turnId: 'turn-1',
          index: 1,
          agent: 'stock_trader',
          role: 'user',
          candidates: [],
          call: { provider: 'local', model: 'm', answeredBy: 'm', parameters: {}, n: 2, usage: null, latencyMs: 1, attempts: 1 },
          promptRef: { kind: 'role_play', history: [], sha256: 'x' },
        },
      }),
    ]);
    expect(assembler.streaming).toEqual([]);
  });

  it('a failed call drops its text but a retry may stream it again; the end of the run ends the conversation, not regenerations', () => {
    const assembler = new RunDeltaAssembler('r1');
    const f = runStream('r1');
    assembler.apply(delta('turn-2', 0, 'partial'));
    assembler.settle([
      f.recorded({
        type: 'TurnFailed',
        data: { runId: 'r1', callId: 'turn-2', purpose: 'turn', turnId: 'turn-2', errorKind: 'server_error', message: '500', retryable: true },
      }),
    ]);
    expect(assembler.streaming).toEqual([]);
    expect(assembler.apply(delta('turn-2', 0, 'again'))).toBe(true);
    assembler.apply(delta('regenerate/alt-1', 0, 'other'));
    expect(assembler.settle([f.recorded({ type: 'RunCompleted', data: { runId: 'r1', reason: 'max_turns' } })])).toBe(true);
    expect(assembler.streaming.map((text) => text.callId)).toEqual(['regenerate/alt-1']);
    expect(assembler.apply(delta('turn-2', 5, 'late'))).toBe(false);
    // A finished run's turn is regenerated: its text streams until its alternative is recorded.
    expect(assembler.apply(delta('regenerate/alt-1', 5, ' text'))).toBe(true);
    expect(assembler.apply(delta('regenerate/alt-2', 0, 'new'))).toBe(true);
    expect(assembler.textOf('regenerate/alt-1')).toBe('other text');
    assembler.settle([
      f.recorded({
        type: 'AlternativeRecorded',
        data: { runId: 'r1', alternativeId: 'alt-1', turnId: 'turn-1', source: 'regenerated', content: 'other text', finishReason: 'stop', call: null, candidate: null },
      }),
    ]);
    expect(assembler.streaming.map((text) => text.callId)).toEqual(['regenerate/alt-2']);
  });

  it('ignores deltas of other runs; finish() forgets calls a fresh read holds', () => {
    const assembler = new RunDeltaAssembler('r1');
    expect(assembler.apply({ ...delta('turn-1', 0, 'x'), runId: 'r2' })).toBe(false);
    assembler.apply(delta('turn-1', 0, 'x'));
    expect(assembler.finish(['turn-1'])).toBe(true);
    expect(assembler.apply(delta('turn-1', 1, 'y'))).toBe(false);
  });
});

describe('turnIndexOfCall', () => {
  it('reads the turn index of a turn call only', () => {
    expect(turnIndexOfCall('turn-12')).toBe(12);
    expect(turnIndexOfCall('turn-12/critic')).toBeNull();
    expect(turnIndexOfCall('specify')).toBeNull();
    expect(turnIndexOfCall('regenerate/abc')).toBeNull();
  });
});
