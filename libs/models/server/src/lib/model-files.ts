import { DomainError, MODEL_FILES, MODEL_NAME, type ModelArchitecture, type ModelView, type TrainingStepMetrics } from '@camel/contracts';
import type { BpeTokenizer, LlamaConfig } from '@camel/ml';
import { createHash } from 'node:crypto';
import { closeSync, copyFileSync, createReadStream, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, realpathSync, rmSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { loadMl } from './load-ml';

/**
 * The files of the model registry (docs/training.md "Model files"): reading a model folder's
 * config, card and metrics, listing the built-ins, validating and copying an import, and the
 * weights' sha256. Plain functions over folders; the registry wires them to its settings.
 */


const NO_LINEAGE = { baseModelId: null, trainingRunId: null, datasetId: null, datasetVersion: null, method: null, lora: null } as const;

export async function architectureOf(config: LlamaConfig): Promise<ModelArchitecture> {
  const { weightShapes } = await loadMl();
  let parameters = 0;
  for (const shape of weightShapes(config).values()) parameters += shape.reduce((a, b) => a * b, 1);
  return {
    family: 'llama',
    parameters,
    hiddenSize: config.hiddenSize,
    layers: config.numLayers,
    heads: config.numHeads,
    kvHeads: config.numKvHeads,
    vocabSize: config.vocabSize,
    contextLength: config.maxPositions,
  };
}

/** sha256 (hex) of a file, streamed (a weights file may be hundreds of MB). */
export function sha256File(file: string): Promise<string> {
  return new Promise((done, fail) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', fail)
      .on('end', () => done(hash.digest('hex')));
  });
}

/** The header of a safetensors file (names → dtype, shape), read without its data. */
export function safetensorsHeader(file: string): Map<string, { dtype: string; shape: number[] }> {
  const fd = openSync(file, 'r');
  try {
    const size = statSync(file).size;
    const head = Buffer.alloc(8);
    if (readSync(fd, head, 0, 8, 0) !== 8) throw new Error('shorter than its header length');
    const length = Number(head.readBigUInt64LE(0));
    if (length <= 0 || length > 100_000_000 || 8 + length > size) throw new Error('bad header length');
    const json = Buffer.alloc(length);
    readSync(fd, json, 0, length, 8);
    const header = JSON.parse(json.toString('utf8')) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
    const out = new Map<string, { dtype: string; shape: number[] }>();
    for (const [name, entry] of Object.entries(header)) {
      if (name === '__metadata__') continue;
      if (!entry || !Array.isArray(entry.shape) || !Array.isArray(entry.data_offsets) || 8 + length + entry.data_offsets[1] > size) throw new Error(`tensor ${name}: bad entry`);
      out.set(name, { dtype: entry.dtype, shape: entry.shape });
    }
    return out;
  } finally {
    closeSync(fd);
  }
}

function readJson(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}

const importError = (message: string) => DomainError.validation('model.import.invalid', 'path', message);

/**
 * Checks a folder in the Hugging Face layout the way loading it will: config.json is a Llama
 * configuration libs/ml supports, model.safetensors has exactly the weights that configuration
 * names with their shapes (F32/F16/BF16), tokenizer.json is a byte-level BPE the vocabulary holds.
 * Throws a validation error naming `path` with the file and the reason.
 */
export async function validateModelFolder(folder: string): Promise<{ config: LlamaConfig; architecture: ModelArchitecture }> {
  const { BpeTokenizer, configFromHf, ModelConfigError, TokenizerError, weightShapes } = await loadMl();
  for (const file of [MODEL_FILES.config, MODEL_FILES.weights, MODEL_FILES.tokenizer]) {
    if (!existsSync(join(folder, file))) throw importError(`${file} is missing in ${folder} (one model.safetensors file; sharded weights are not imported)`);
  }
  let config: LlamaConfig;
  try {
    const json = readJson(join(folder, MODEL_FILES.config));
    if (json['model_type'] !== undefined && json['model_type'] !== 'llama') throw new ModelConfigError(`model_type ${String(json['model_type'])} is not supported (llama)`, ['model_type']);
    config = configFromHf(json);
  } catch (error) {
    if (error instanceof ModelConfigError) throw importError(`config.json: ${error.message.replace(/^config\.json: /, '')} (${error.fields.join(', ')})`);
    throw importError(`config.json is not JSON`);
  }
  let header: Map<string, { dtype: string; shape: number[] }>;
  try {
    header = safetensorsHeader(join(folder, MODEL_FILES.weights));
  } catch (error) {
    throw importError(`model.safetensors is not a safetensors file: ${(error as Error).message}`);
  }
  const expected = weightShapes(config);
  for (const [name, shape] of expected) {
    const found = header.get(name);
    if (!found) throw importError(`model.safetensors has no tensor ${name}`);
    if (found.shape.join(',') !== shape.join(',')) throw importError(`model.safetensors: ${name} has shape [${found.shape.join(', ')}], config.json needs [${shape.join(', ')}]`);
    if (!['F32', 'F16', 'BF16'].includes(found.dtype)) throw importError(`model.safetensors: ${name} is ${found.dtype} (F32, F16 or BF16)`);
  }
  const extra = [...header.keys()].find((name) => !expected.has(name) && !(config.tieEmbeddings && name === 'lm_head.weight') && !name.endsWith('rotary_emb.inv_freq'));
  if (extra) throw importError(`model.safetensors: tensor ${extra} is not part of a Llama model with this config.json`);
  let tokenizer: BpeTokenizer;
  try {
    tokenizer = BpeTokenizer.fromJson(readFileSync(join(folder, MODEL_FILES.tokenizer), 'utf8'));
  } catch (error) {
    throw importError(`tokenizer.json: ${error instanceof TokenizerError ? error.message.replace(/^tokenizer\.json: /, '') : 'not a tokenizer file'}`);
  }
  if (tokenizer.vocabSize > config.vocabSize) throw importError(`tokenizer.json has ${tokenizer.vocabSize} tokens, config.json's vocab_size is ${config.vocabSize}`);
  return { config, architecture: await architectureOf(config) };
}

/**
 * Resolves an import path against the allowed directories: absolute (or relative to the first
 * allowed directory), an existing folder, and — symlinks resolved — inside one of them.
 */
export function allowedImportFolder(raw: string, allowed: readonly string[]): string {
  if (allowed.length === 0) throw DomainError.validation('model.import.disabled', 'path', 'imports are disabled on this server (set MODEL_IMPORT_DIRS)');
  if (typeof raw !== 'string' || raw.trim() === '' || raw.includes('\u0000')) throw DomainError.validation('model.import.path', 'path', 'path must name a folder');
  const wanted = isAbsolute(raw) ? resolve(raw) : resolve(allowed[0], raw);
  let real: string;
  try {
    real = realpathSync(wanted);
  } catch {
    throw DomainError.validation('model.import.path', 'path', `${raw} does not exist`);
  }
  const inside = allowed.some((dir) => {
    let root: string;
    try {
      root = realpathSync(dir);
    } catch {
      return false;
    }
    const rel = relative(root, real);
    return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel) && !rel.startsWith(`..${sep}`));
  });
  if (!inside) throw DomainError.validation('model.import.path', 'path', `${raw} is not inside a directory MODEL_IMPORT_DIRS allows`);
  if (!statSync(real).isDirectory()) throw DomainError.validation('model.import.path', 'path', `${raw} is not a folder`);
  return real;
}

/** Copies the registry's files of a model folder (those present) into `target`. */
export function copyModelFolder(source: string, target: string): void {
  mkdirSync(target, { recursive: true });
  try {
    for (const file of Object.values(MODEL_FILES)) {
      if (existsSync(join(source, file)) && statSync(join(source, file)).isFile()) copyFileSync(join(source, file), join(target, file));
    }
  } catch (error) {
    rmSync(target, { recursive: true, force: true });
    throw error;
  }
}

export function readCard(folder: string): string {
  const file = join(folder, MODEL_FILES.card);
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}

/** metrics.jsonl: one JSON object per logged step `{ step, epoch?, learning_rate?, tokens_per_second?, at?, ...metrics }`. */
export function readMetricsHistory(folder: string): TrainingStepMetrics[] {
  const file = join(folder, MODEL_FILES.metrics);
  if (!existsSync(file)) return [];
  const out: TrainingStepMetrics[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    let row: Record<string, unknown>;
    try {
      row = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    if (typeof row['step'] !== 'number') continue;
    // A training run writes the contract's shape ({ step, epoch, metrics, learningRate, tokensPerSecond, at }); plain scripts flat rows.
    const nested = typeof row['metrics'] === 'object' && row['metrics'] !== null ? (row['metrics'] as Record<string, unknown>) : null;
    const metrics: Record<string, number> = {};
    const reserved = new Set(['step', 'epoch', 'learning_rate', 'learningRate', 'tokens_per_second', 'tokensPerSecond', 'at', 'metrics']);
    for (const [key, value] of Object.entries(nested ?? row)) if (!reserved.has(key) && typeof value === 'number') metrics[key] = value;
    const num = (...keys: string[]): number => {
      for (const key of keys) if (typeof row[key] === 'number') return row[key] as number;
      return 0;
    };
    out.push({ step: row['step'] as number, epoch: num('epoch'), metrics, learningRate: num('learningRate', 'learning_rate'), tokensPerSecond: num('tokensPerSecond', 'tokens_per_second'), at: typeof row['at'] === 'string' ? row['at'] : '' });
  }
  return out;
}

export interface BuiltinModel {
  readonly view: ModelView;
  readonly folder: string;
}

/** The first prose paragraph of a card (its description). */
function describe(card: string): string | null {
  const paragraph = card
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .find((p) => p !== '' && !p.startsWith('#'));
  return paragraph ? paragraph.replace(/\s*\n\s*/g, ' ').replace(/\*\*/g, '').slice(0, 500) : null;
}

/**
 * The built-in models: every folder of `dir` named like a model whose config.json loads. Not events:
 * every project lists them (projectId null). A folder that does not validate is left out (and
 * reported through `onSkip`).
 */
export async function scanBuiltins(dir: string, onSkip: (folder: string, reason: string) => void = () => undefined): Promise<BuiltinModel[]> {
  if (!existsSync(dir)) return [];
  const out: BuiltinModel[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (!entry.isDirectory() || !MODEL_NAME.test(entry.name)) continue;
    const folder = join(dir, entry.name);
    if (!existsSync(join(folder, MODEL_FILES.config))) continue;
    let architecture: ModelArchitecture;
    try {
      architecture = (await validateModelFolder(folder)).architecture;
    } catch (error) {
      onSkip(folder, (error as Error).message);
      continue;
    }
    const history = readMetricsHistory(folder);
    const card = readCard(folder);
    out.push({
      folder,
      view: {
        id: entry.name,
        projectId: null,
        name: entry.name,
        source: 'builtin',
        description: describe(card),
        architecture,
        lineage: NO_LINEAGE,
        metrics: history.length > 0 ? history[history.length - 1].metrics : {},
        tags: [],
        archived: false,
        createdAt: statSync(join(folder, MODEL_FILES.weights)).mtime.toISOString(),
        createdBy: 'system:builtin',
      },
    });
  }
  return out;
}
