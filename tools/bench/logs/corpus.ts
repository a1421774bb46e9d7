import { RUN_STREAM_TYPE, runStreamId, type ModelCall, type RecordedEvent, type RunAgent, type RunCompleted, type RunStarted, type TurnRecorded } from '@camel/contracts';

/**
 * A deterministic history of role-play runs as the logs projection receives it: per run one
 * RunStarted, `turnsPerRun` TurnRecorded (user and assistant alternating) and a RunCompleted. The
 * texts come from a Zipf-distributed vocabulary plus two planted word sets whose frequency is known,
 * so that the keyword rows search for a common and a rare word on purpose.
 */
export const PROJECT_ID = '0190a000-0000-7000-8000-000000000001';
export const AGENTS = ['programmer', 'trader', 'analyst', 'reviewer', 'planner', 'writer', 'tester', 'critic', 'researcher', 'designer'] as const;
export const MODELS = ['gpt-4o-mini', 'llama-3.1-8b', 'qwen2.5-7b', 'mistral-7b', 'phi-3-mini'] as const;
export const WORKFLOWS = ['trading', 'research', 'review'] as const;
/** Each in ~20 % of the entries. */
export const COMMON_WORDS = ['market', 'portfolio', 'strategy'] as const;
/** Each in ~1 of 10,000 entries. */
export const RARE_WORDS = ['quasar', 'marzipan', 'fjord', 'xylophone'] as const;
const COMMON_RATE = 0.2;
const RARE_RATE = 0.0001;
export const TURNS_PER_RUN = 20;
/** Entries are spread over 30 days, one every `STEP_MS`, ending at `START + entries × STEP_MS`. */
export const START_MS = Date.parse('2025-01-01T00:00:00.000Z');
export const SPAN_MS = 30 * 24 * 3600 * 1000;

/** mulberry32: small, fast, and the same corpus on every machine. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'ru', 'ta', 'vo', 'se', 'di', 'po', 'gu', 'he', 'ba', 'zi', 'fe', 'co'];
/** 3,000 made-up words: rank r is drawn with weight 1/(r+1) (Zipf). */
const VOCABULARY = Array.from({ length: 3000 }, (_, i) => {
  let word = '';
  for (let n = i + 1; n > 0; n = Math.floor(n / SYLLABLES.length)) word += SYLLABLES[n % SYLLABLES.length];
  return word;
});
const CUMULATIVE = (() => {
  const weights = VOCABULARY.map((_, r) => 1 / (r + 1));
  const total = weights.reduce((a, b) => a + b, 0);
  let sum = 0;
  return weights.map((w) => (sum += w / total));
})();

function zipfWord(next: () => number): string {
  const x = next();
  let lo = 0;
  let hi = CUMULATIVE.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (CUMULATIVE[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return VOCABULARY[lo];
}

function text(next: () => number, role: 'user' | 'assistant'): string {
  const words = Array.from({ length: 25 + Math.floor(next() * 35) }, () => zipfWord(next));
  for (const word of COMMON_WORDS) if (next() < COMMON_RATE) words.splice(Math.floor(next() * words.length), 0, word);
  for (const word of RARE_WORDS) if (next() < RARE_RATE) words.splice(Math.floor(next() * words.length), 0, word);
  const body = words.join(' ');
  return role === 'user' ? `Instruction: ${body}\nInput: None` : `Solution: ${body}\nNext request.`;
}

const agent = (name: string, model: string): RunAgent => ({
  name,
  role: name,
  kind: 'ai',
  systemPrompt: `You are a ${name}.`,
  provider: 'local',
  model,
  parameters: { temperature: 0.7 },
  memoryWindow: null,
  inputTimeoutSeconds: null,
});

const runId = (run: number) => `0190a000-0000-7000-9000-${run.toString(16).padStart(12, '0')}`;

/** The corpus's events in log order, `entries` turns in all (the last run may be shorter). */
export function* corpusEvents(entries: number, seed = 1): Generator<RecordedEvent> {
  const next = random(seed);
  const stepMs = SPAN_MS / entries;
  let position = 0;
  let entry = 0;
  const recorded = <E extends RunStarted | TurnRecorded | RunCompleted>(id: string, type: E['type'], data: E['data'], time: number, version: number): RecordedEvent => {
    position += 1;
    return {
      position,
      streamId: runStreamId(id),
      streamType: RUN_STREAM_TYPE,
      streamVersion: version,
      id: `e-${position}`,
      type,
      schemaVersion: 1,
      data,
      metadata: { actor: { type: 'system', id: 'bench' }, projectId: PROJECT_ID, correlationId: id, time: new Date(time).toISOString() },
      hash: '',
      recordedAt: new Date(time).toISOString(),
    };
  };
  for (let run = 0; entry < entries; run += 1) {
    const id = runId(run);
    const time = () => START_MS + entry * stepMs;
    const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)];
    const assistant = agent(pick(AGENTS), pick(MODELS));
    const user = agent(pick(AGENTS), pick(MODELS));
    const workflow = pick(WORKFLOWS);
    let version = 1;
    yield recorded<RunStarted>(id, 'RunStarted', {
      runId: id,
      projectId: PROJECT_ID,
      workflow,
      configVersion: 1,
      task: 'Develop a trading bot for the stock market.',
      overrides: {},
      plan: {
        type: 'role_playing',
        assistant,
        user,
        taskSpecifier: null,
        critic: null,
        maxTurns: TURNS_PER_RUN / 2,
        terminationTokens: [],
        maxTotalTokens: null,
        prompts: { assistant: '', user: '', opening: '', taskSpecify: '', criticSystem: '', criticOptions: '' },
        providers: ['local'],
      },
    }, time(), version);
    for (let index = 1; index <= TURNS_PER_RUN && entry < entries; index += 1, entry += 1) {
      const role = index % 2 === 1 ? 'user' : 'assistant';
      const who = role === 'user' ? user : assistant;
      const content = text(next, role);
      const completionTokens = content.split(' ').length;
      const call: ModelCall = {
        provider: 'local',
        model: who.model,
        answeredBy: who.model,
        parameters: who.parameters,
        n: 1,
        usage: { promptTokens: 120 * index, completionTokens, totalTokens: 120 * index + completionTokens },
        latencyMs: 200 + Math.floor(next() * 2000),
        attempts: 1,
      };
      version += 1;
      yield recorded<TurnRecorded>(id, 'TurnRecorded', {
        runId: id,
        turnId: `t${index}`,
        index,
        agent: who.name,
        role,
        kind: 'ai',
        content,
        finishReason: 'stop',
        call,
        promptRef: { kind: 'role_play', history: [], sha256: '' },
        critic: null,
        submittedBy: null,
      }, time(), version);
    }
    yield recorded<RunCompleted>(id, 'RunCompleted', { runId: id, reason: 'max_turns' }, time(), version + 1);
  }
}
