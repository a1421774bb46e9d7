import { runStreamId, type ModelCall, type RecordedEvent, type RolePlayPlan, type RunAgent, type RunEvent, type TurnRecorded } from '@camel/contracts';

/** Recorded run events for the console's fold specs: one stream per run, versions counted per run. */
export const T0 = '2026-03-01T10:00:00.000Z';
const at = (second: number) => new Date(Date.parse(T0) + second * 1000).toISOString();

const agent = (name: string, role: string): RunAgent => ({
  name,
  role,
  kind: 'ai',
  systemPrompt: `You are ${role}.`,
  provider: 'local',
  model: 'llama3.2',
  parameters: { temperature: 0.5 },
  memoryWindow: null,
  inputTimeoutSeconds: null,
});

export const PLAN: RolePlayPlan = {
  type: 'role_playing',
  assistant: agent('python_programmer', 'Python Programmer'),
  user: agent('stock_trader', 'Stock Trader'),
  taskSpecifier: null,
  critic: null,
  maxTurns: 5,
  terminationTokens: ['<CAMEL_TASK_DONE>'],
  maxTotalTokens: null,
  prompts: { assistant: 'a', user: 'u', opening: 'o', taskSpecify: 's', criticSystem: 'c', criticOptions: 'x' },
  providers: ['local'],
};

export const call = (totalTokens: number, model = 'llama3.2'): ModelCall => ({
  provider: 'local',
  model,
  answeredBy: model,
  parameters: { temperature: 0.5 },
  n: 1,
  usage: { promptTokens: totalTokens - 10, completionTokens: 10, totalTokens },
  latencyMs: 120,
  attempts: 1,
});

/** Makes the events of one run, each at the next stream version (and a growing position). */
export function runStream(runId: string, projectId = 'p1', firstPosition = 1000) {
  let version = 0;
  let position = firstPosition;
  const recorded = (event: RunEvent, options: { version?: number; position?: number } = {}): RecordedEvent => {
    version = options.version ?? version + 1;
    position = options.position ?? position + 1;
    return {
      position,
      streamId: runStreamId(runId),
      streamType: 'run',
      streamVersion: version,
      id: `${runId}-e${version}`,
      type: event.type,
      schemaVersion: 1,
      data: event.data,
      metadata: { actor: { type: 'user', id: 'alice' }, projectId, correlationId: 'c1', time: at(version) },
      hash: 'h',
      recordedAt: at(version),
    };
  };
  const turn = (index: number, content: string, patch: Partial<TurnRecorded['data']> = {}): RunEvent => ({
    type: 'TurnRecorded',
    data: {
      runId,
      turnId: `turn-${index}`,
      index,
      agent: index % 2 === 1 ? 'stock_trader' : 'python_programmer',
      role: index % 2 === 1 ? 'user' : 'assistant',
      kind: 'ai',
      content,
      finishReason: 'stop',
      call: call(100),
      promptRef: { kind: 'role_play', history: [], sha256: 'x' },
      critic: null,
      submittedBy: null,
      ...patch,
    },
  });
  return {
    recorded,
    turn,
    started: (task = 'Build a bot.'): RunEvent => ({
      type: 'RunStarted',
      data: { runId, projectId, workflow: 'stock_trading_bot', configVersion: 3, task, overrides: {}, plan: PLAN },
    }),
    began: (): RunEvent => ({ type: 'RunBegan', data: { runId } }),
    time: at,
  };
}
