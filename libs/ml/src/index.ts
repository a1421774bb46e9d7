// Language models in TensorFlow.js: a Llama-style decoder, byte-level BPE tokenizers, Hugging Face
// import/export, SFT and DPO objectives with TRL's definitions, AdamW, LoRA and a step-wise Trainer.
// See docs/ml.md.
export * from './lib/tf';
export * from './lib/rng';
export * from './lib/safetensors';
export * from './lib/model';
export * from './lib/ops';
export * from './lib/objectives';
export * from './lib/optimizer';
export * from './lib/trainer';
export * from './lib/tokenizer';
export * from './lib/generate';
export * from './lib/chat';
export * from './lib/hf';
