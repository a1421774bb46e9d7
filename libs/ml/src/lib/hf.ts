import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configFromHf, configToHf, LlamaModel, ModelConfigError } from './model';
import { readSafetensors, writeSafetensors, type NamedArray } from './safetensors';
import { BpeTokenizer } from './tokenizer';

/**
 * Open weights in the Hugging Face layout: a folder with `config.json`, `model.safetensors` (or shards
 * listed in `model.safetensors.index.json`) and `tokenizer.json`, as a downloaded Llama-architecture
 * model (e.g. SmolLM-135M) has them. F32, F16 and BF16 weights load (as float32).
 */
export interface HfModel {
  readonly model: LlamaModel;
  readonly tokenizer: BpeTokenizer;
}

function readJson(file: string): Record<string, unknown> {
  if (!existsSync(file)) throw new ModelConfigError(`${file} is missing`, [file]);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    throw new ModelConfigError(`${file} is not JSON`, [file]);
  }
}

export function loadHfModel(dir: string): HfModel {
  const config = configFromHf(readJson(join(dir, 'config.json')));
  const tensors = new Map<string, NamedArray>();
  const index = join(dir, 'model.safetensors.index.json');
  const files = existsSync(index) ? [...new Set(Object.values((readJson(index)['weight_map'] ?? {}) as Record<string, string>))] : ['model.safetensors'];
  for (const file of files) {
    const path = join(dir, file);
    if (!existsSync(path)) throw new ModelConfigError(`${path} is missing`, [path]);
    for (const [name, t] of readSafetensors(readFileSync(path)).tensors) tensors.set(name, t);
  }
  const tokenizer = BpeTokenizer.fromJson(readJson(join(dir, 'tokenizer.json')) as never);
  if (tokenizer.vocabSize > config.vocabSize) throw new ModelConfigError(`tokenizer.json has ${tokenizer.vocabSize} tokens, the model ${config.vocabSize}`, ['tokenizer.json']);
  return { model: LlamaModel.fromTensors(config, tensors), tokenizer };
}

/** Writes the folder back (float32 safetensors; LoRA adapters merged in). */
export function saveHfModel(dir: string, { model, tokenizer }: HfModel): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.json'), `${JSON.stringify(configToHf(model.config), null, 2)}\n`);
  writeFileSync(join(dir, 'model.safetensors'), writeSafetensors(model.toTensors({ merged: true }), { format: 'pt' }));
  writeFileSync(join(dir, 'tokenizer.json'), `${JSON.stringify(tokenizer.toJson(), null, 1)}\n`);
}

/** A LoRA adapter in PEFT's layout: `adapter_config.json` + `adapter_model.safetensors`. */
export function saveAdapter(dir: string, model: LlamaModel, baseModel: string): void {
  const lora = model.loraOptions;
  if (!lora) throw new Error('the model has no LoRA adapters');
  mkdirSync(dir, { recursive: true });
  const config = { peft_type: 'LORA', base_model_name_or_path: baseModel, r: lora.rank, lora_alpha: lora.alpha, target_modules: [...lora.targets], lora_dropout: 0, bias: 'none', task_type: 'CAUSAL_LM' };
  writeFileSync(join(dir, 'adapter_config.json'), `${JSON.stringify(config, null, 2)}\n`);
  writeFileSync(join(dir, 'adapter_model.safetensors'), writeSafetensors(model.adapterTensors()));
}

/** Adds the adapter of `dir` to `model` (its base). */
export function loadAdapter(dir: string, model: LlamaModel): void {
  const config = readJson(join(dir, 'adapter_config.json'));
  model.addLora({ rank: config['r'] as number, alpha: config['lora_alpha'] as number, targets: config['target_modules'] as never }, 0);
  model.loadAdapterTensors(readSafetensors(readFileSync(join(dir, 'adapter_model.safetensors'))).tensors);
}
