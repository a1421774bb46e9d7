import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSafetensors, type NamedArray } from '../lib/safetensors';

/** The committed fixtures of tools/ml/make-fixtures.py (PyTorch's numbers for the tiny random Llama). */
export const TINY_LLAMA = join(__dirname, '..', 'fixtures', 'tiny-llama');

export interface DpoCase {
  readonly name: string;
  readonly loss_type: 'sigmoid' | 'ipo' | 'hinge' | 'robust';
  readonly beta: number;
  readonly label_smoothing: number;
  readonly rpo_alpha: number | null;
  readonly metrics: Record<string, number>;
  readonly grad_policy_chosen_logps: number[];
  readonly grad_policy_rejected_logps: number[];
}

export interface Expected {
  readonly tokenizer: { corpus: string; merges: number; encoded: { text: string; ids: number[] }[] };
  readonly logits_ids: number[][];
  readonly dpo: {
    pad: number;
    prompts: number[][];
    chosen: number[][];
    rejected: number[][];
    reference_chosen_logps: number[];
    reference_rejected_logps: number[];
    cases: DpoCase[];
  };
  readonly sft: { loss: number };
}

export const expected = (): Expected => JSON.parse(readFileSync(join(TINY_LLAMA, 'expected.json'), 'utf8')) as Expected;

export const expectedTensors = (): Map<string, NamedArray> => readSafetensors(readFileSync(join(TINY_LLAMA, 'expected.safetensors'))).tensors;

/** The largest absolute difference between two arrays of the same length. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

/** The value, or a failed test naming what was missing. */
export function must<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null) throw new Error(`missing: ${what}`);
  return value;
}
