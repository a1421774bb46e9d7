import { Scalar, YAMLSeq, isMap, isScalar, isSeq, parseDocument, type Document, type ToStringOptions, type YAMLMap } from 'yaml';

/** An agent's `model:` block of agents.yaml (docs/configs.md); optional values are null when absent. */
export interface AgentModelParams {
  readonly provider: string;
  readonly name: string;
  readonly temperature: number | null;
  readonly top_p: number | null;
  readonly max_tokens: number | null;
  readonly stop: readonly string[] | null;
}

export interface AgentModelEntry {
  /** Position in `agents:` (the form edits by position: names may repeat while being typed). */
  readonly index: number;
  readonly name: string;
  readonly model: AgentModelParams;
}

export type AgentsRead =
  | { readonly ok: true; readonly agents: readonly AgentModelEntry[]; readonly providers: readonly string[] }
  | { readonly ok: false; readonly message: string };

export type AgentModelEdit = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly message: string };

const MODEL_KEYS = ['provider', 'name', 'temperature', 'top_p', 'max_tokens', 'stop'] as const;
type ModelKey = (typeof MODEL_KEYS)[number];

function parse(text: string): { doc: Document.Parsed } | { message: string } {
  const doc = parseDocument(text, { uniqueKeys: false });
  if (doc.errors.length > 0) {
    const first = doc.errors[0];
    const where = first.linePos?.[0];
    return { message: `agents.yaml does not parse${where ? ` (line ${where.line}, column ${where.col})` : ''}: fix the YAML first.` };
  }
  return { doc };
}

const text = (value: unknown): string => (typeof value === 'string' ? value : value === null || value === undefined ? '' : String(value));
const numberOrNull = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

function readModel(value: unknown): AgentModelParams {
  const model = (value && typeof value === 'object' ? value : {}) as Record<string, unknown>;
  const stop = model['stop'];
  return {
    provider: text(model['provider']),
    name: text(model['name']),
    temperature: numberOrNull(model['temperature']),
    top_p: numberOrNull(model['top_p']),
    max_tokens: numberOrNull(model['max_tokens']),
    stop: Array.isArray(stop) ? stop.map(text) : null,
  };
}

/** The agents of agents.yaml with their model parameters, and the provider ids. */
export function readAgentModels(source: string): AgentsRead {
  const parsed = parse(source);
  if ('message' in parsed) return { ok: false, message: parsed.message };
  const root = parsed.doc.toJS({ maxAliasCount: 100 }) as unknown;
  if (!root || typeof root !== 'object' || Array.isArray(root)) return { ok: false, message: 'agents.yaml is not a mapping.' };
  const { agents, providers } = root as Record<string, unknown>;
  const list = Array.isArray(agents) ? agents : [];
  return {
    ok: true,
    agents: list.map((agent, index) => {
      const entry = (agent && typeof agent === 'object' ? agent : {}) as Record<string, unknown>;
      return { index, name: text(entry['name']) || `agent ${index + 1}`, model: readModel(entry['model']) };
    }),
    providers: (Array.isArray(providers) ? providers : [])
      .map((provider) => (provider && typeof provider === 'object' ? text((provider as Record<string, unknown>)['id']) : ''))
      .filter(Boolean),
  };
}

const sameValue = (a: AgentModelParams[ModelKey], b: AgentModelParams[ModelKey]): boolean =>
  Array.isArray(a) && Array.isArray(b) ? a.length === b.length && a.every((item, i) => item === b[i]) : a === b;

/**
 * Writes `params` into agent `index`'s `model:` block through the `yaml` Document API, so comments,
 * block scalars and the layout of everything else stay as they were; only the keys whose value
 * changed are touched (a null optional value removes its key).
 */
export function setAgentModel(source: string, index: number, params: AgentModelParams): AgentModelEdit {
  const parsed = parse(source);
  if ('message' in parsed) return { ok: false, message: parsed.message };
  const { doc } = parsed;
  const agents = doc.get('agents', true);
  if (!isSeq(agents) || !isMap(agents.items[index])) return { ok: false, message: `agents.yaml has no agent #${index + 1}.` };
  const current = readModel((doc.getIn(['agents', index, 'model']) as { toJSON?: () => unknown } | undefined)?.toJSON?.());
  let model = doc.getIn(['agents', index, 'model'], true);
  if (model !== undefined && !isMap(model)) return { ok: false, message: `agents[${index}].model is not a mapping.` };
  let changed = false;
  for (const key of MODEL_KEYS) {
    const value = params[key];
    if (sameValue(value, current[key])) continue;
    changed = true;
    const path = ['agents', index, 'model', key];
    if (value === null || (key !== 'stop' && value === '')) {
      if (isMap(model) && model.has(key)) doc.deleteIn(path);
    } else if (key === 'stop') {
      // A stop list reads best in flow style with quoted items, as the samples write it: stop: ["<END>"].
      const existing = isMap(model) ? model.get('stop', true) : undefined;
      const node = new YAMLSeq<Scalar<string>>(doc.schema);
      node.flow = isSeq(existing) ? Boolean(existing.flow) || existing.items.length === 0 : true;
      const quoted = isSeq(existing) ? existing.items.find(isScalar)?.type : undefined;
      for (const item of value as readonly string[]) {
        const scalar = new Scalar(item);
        scalar.type = quoted ?? Scalar.QUOTE_DOUBLE;
        node.items.push(scalar);
      }
      if (isMap(model) && !model.has(key)) insertInOrder(doc, model, key, node);
      else doc.setIn(path, node);
    } else {
      const existing = isMap(model) ? model.get(key, true) : undefined;
      if (isScalar(existing)) existing.value = value;
      else if (isMap(model) && !model.has(key)) insertInOrder(doc, model, key, value);
      else doc.setIn(path, value);
    }
    model = doc.getIn(['agents', index, 'model'], true);
  }
  if (!changed) return { ok: true, text: source };
  return { ok: true, text: doc.toString(stringifyOptions(source)) };
}

/** A new key goes after the keys that precede it in the documented order (provider, name, temperature…). */
function insertInOrder(doc: Document, model: YAMLMap, key: ModelKey, value: unknown): void {
  const rank = (name: unknown) => MODEL_KEYS.indexOf(name as ModelKey);
  const before = MODEL_KEYS.indexOf(key);
  let at = 0;
  model.items.forEach((pair, i) => {
    const name = isScalar(pair.key) ? pair.key.value : pair.key;
    const r = rank(name);
    if (r >= 0 && r < before) at = i + 1;
  });
  model.items.splice(at, 0, doc.createPair(key, value));
}

/** Keep the file's own layout: no folding of long lines, `[a]` not `[ a ]`, sequence indentation as found. */
function stringifyOptions(source: string): ToStringOptions {
  const unindented = /^[A-Za-z_][\w-]*:[ \t]*(#.*)?\r?\n(?:[ \t]*(?:#.*)?\r?\n)*- /m.test(source);
  return { lineWidth: 0, flowCollectionPadding: false, indentSeq: !unindented };
}
