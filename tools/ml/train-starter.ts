/**
 * Trains the starter model (models/starter/): a demo-sized Llama-style model that lets the embedded
 * default run the sample workflows with `provider: local` and no API key (docs/training.md "Starter
 * model"). Everything it learns from is in this repository: the hand-written exchanges of
 * tools/ml/starter/exchanges.txt and the sections of the project's own docs, turned into
 * "Explain …" questions answered with the section's first paragraphs.
 *
 *   node tools/ml/train-starter.mjs [--out=models/starter] [--minutes=15] [--steps=N] [--seed=7]
 *
 * Deterministic for a given step count (seeded init and batches); with only --minutes the step
 * count depends on the machine, and the card records the one reached.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CHAT_END, encodeChat, encodeReply, generate, initBackend, LlamaModel, Rng, saveHfModel, trainBpe, Trainer, type ChatMessage, type LlamaConfig, type SftExample } from '@camel/ml';

const ROOT = resolve(__dirname, '..', '..');
const DOCS = ['README.md', 'docs/architecture.md', 'docs/workflows.md', 'docs/configs.md', 'docs/providers.md', 'docs/console.md', 'docs/ml.md'];
const SEQUENCE = 160;
const COMPLETION = 120;

interface Conversation {
  readonly messages: ChatMessage[];
  /** How often it is repeated in an epoch (the hand-written exchanges weigh more than the docs). */
  readonly weight: number;
}

function parseExchanges(text: string): Conversation[] {
  const blocks = text.split(/^---$/m).slice(1);
  return blocks.map((block) => {
    const messages: ChatMessage[] = [];
    for (const line of block.replace(/^\n/, '').replace(/\n$/, '').split('\n')) {
      const role = /^(system|user|assistant): ?(.*)$/.exec(line);
      if (role) messages.push({ role: role[1] as ChatMessage['role'], content: role[2] });
      else if (messages.length > 0) {
        const last = messages[messages.length - 1];
        messages[messages.length - 1] = { role: last.role, content: `${last.content}\n${line}` };
      }
    }
    return { messages: messages.map((m) => ({ role: m.role, content: m.content.trim() })), weight: 6 };
  });
}

/** `## Heading` sections of the docs → "Explain <heading>." / the section's first paragraphs (prose only). */
function docConversations(): Conversation[] {
  const out: Conversation[] = [];
  for (const file of DOCS) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    for (const section of text.split(/^#{2,3} /m).slice(1)) {
      const [heading, ...rest] = section.split('\n');
      const paragraphs = rest
        .join('\n')
        .split(/\n\s*\n/)
        .map((p) => p.trim())
        .filter((p) => p !== '' && !p.startsWith('|') && !p.startsWith('```') && !p.startsWith('<'));
      const answer = paragraphs.slice(0, 2).join('\n\n').replace(/`/g, '');
      const topic = heading.replace(/[`*()]/g, '').trim();
      if (answer.length < 40 || topic === '') continue;
      out.push({ messages: [{ role: 'user', content: `Explain ${topic}.` }, { role: 'assistant', content: answer.slice(0, 600) }], weight: 1 });
    }
  }
  return out;
}

function flag(name: string): string | undefined {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg?.slice(name.length + 3);
}

export async function main(): Promise<void> {
  const out = resolve(ROOT, flag('out') ?? 'models/starter');
  const minutes = Number(flag('minutes') ?? 15);
  const maxSteps = flag('steps') ? Number(flag('steps')) : Infinity;
  const seed = Number(flag('seed') ?? 7);
  const backend = await initBackend();

  const conversations = [...parseExchanges(readFileSync(join(ROOT, 'tools/ml/starter/exchanges.txt'), 'utf8')), ...docConversations()];
  const corpus = conversations.map((c) => c.messages.map((m) => m.content).join('\n')).join('\n');
  const tokenizer = trainBpe(corpus, { merges: 1200, specialTokens: ['<|endoftext|>', '<|im_start|>', CHAT_END] });
  const eos = tokenizer.tokenId(CHAT_END) ?? 0;
  const pad = tokenizer.tokenId('<|endoftext|>') ?? 0;

  // Every assistant turn is a target with the turns before it as the prompt; the prompt keeps its
  // last tokens (what the local provider does with a prompt longer than the context).
  const examples: SftExample[] = [];
  for (const { messages, weight } of conversations) {
    messages.forEach((m, i) => {
      if (m.role !== 'assistant' || i === 0) return;
      const completion = encodeReply(tokenizer, m.content).slice(0, COMPLETION);
      const prompt = encodeChat(tokenizer, messages.slice(0, i)).slice(-(SEQUENCE - completion.length));
      for (let w = 0; w < weight; w++) examples.push({ prompt, completion });
    });
  }

  const config: LlamaConfig = {
    vocabSize: Math.ceil(tokenizer.vocabSize / 64) * 64,
    hiddenSize: 128,
    intermediateSize: 384,
    numLayers: 3,
    numHeads: 4,
    numKvHeads: 2,
    maxPositions: 512,
    rmsNormEps: 1e-5,
    ropeTheta: 10000,
    tieEmbeddings: true,
    bosTokenId: tokenizer.tokenId('<|im_start|>'),
    eosTokenId: eos,
  };
  const model = LlamaModel.random(config, seed);
  const batchSize = 8;
  const stepsPerEpoch = Math.ceil(examples.length / batchSize);
  const planned = Number.isFinite(maxSteps) ? maxSteps : stepsPerEpoch * 40;
  const trainer = new Trainer(model, {
    objective: { kind: 'sft' },
    optimizer: { learningRate: 3e-3, weightDecay: 0.01, maxGradNorm: 1 },
    schedule: { warmupSteps: 20, kind: 'linear', totalSteps: planned },
    pad,
  });
  console.log(`backend ${backend}; ${conversations.length} conversations, ${examples.length} examples, vocab ${tokenizer.vocabSize}; ${stepsPerEpoch} steps per epoch`);

  const rng = new Rng(seed);
  const started = performance.now();
  const history: { step: number; epoch: number; loss: number }[] = [];
  let order: SftExample[] = [];
  let step = 0;
  let tokens = 0;
  while (step < planned && (performance.now() - started) / 60_000 < minutes) {
    if (order.length < batchSize) order = [...order, ...rng.shuffle([...examples])];
    const batch = order.splice(0, batchSize);
    const result = trainer.step(batch);
    step = result.step;
    tokens += result.tokens;
    history.push({ step, epoch: Number((step / stepsPerEpoch).toFixed(2)), loss: Number(result.metrics['loss'].toFixed(4)) });
    if (step % 10 === 0) console.log(`step ${step} loss ${result.metrics['loss'].toFixed(3)} ${(tokens / ((performance.now() - started) / 1000)).toFixed(0)} tokens/s`);
  }
  const seconds = (performance.now() - started) / 1000;

  mkdirSync(out, { recursive: true });
  saveHfModel(out, { model, tokenizer });
  writeFileSync(join(out, 'metrics.jsonl'), history.map((h) => JSON.stringify({ step: h.step, epoch: h.epoch, loss: h.loss })).join('\n') + '\n');
  writeFileSync(
    join(out, 'training_args.json'),
    `${JSON.stringify({ script: 'tools/ml/train-starter.ts', method: 'sft', seed, steps: step, batch_size: batchSize, learning_rate: 3e-3, weight_decay: 0.01, max_grad_norm: 1, warmup_steps: 20, sequence_length: SEQUENCE, backend, seconds: Math.round(seconds) }, null, 2)}\n`,
  );
  const sample = (content: string): string =>
    generate(model, encodeChat(tokenizer, [{ role: 'user', content }]), { maxTokens: 60, temperature: 0, stopTokens: [eos], decode: (ids) => tokenizer.decode(ids) }).text ?? '';
  const samples = ['Who are you?', 'Write a Python function that adds two numbers.', 'What is a workflow?'].map((q) => `- "${q}" → "${sample(q).replace(/\n/g, ' ')}"`);
  const parameters = [...model.toTensors().values()].reduce((n, t) => n + t.data.length, 0);
  const sha = createHash('sha256').update(readFileSync(join(out, 'model.safetensors'))).digest('hex');
  const final = history.slice(-10).reduce((s, h) => s + h.loss, 0) / Math.max(1, Math.min(10, history.length));
  writeFileSync(join(out, 'README.md'), card({ parameters, steps: step, seconds, backend, final, first: history[0]?.loss ?? NaN, examples: examples.length, conversations: conversations.length, vocab: tokenizer.vocabSize, samples, sha }));
  console.log(`wrote ${out} (${parameters} parameters, ${step} steps in ${seconds.toFixed(0)} s, loss ${history[0]?.loss} → ${final.toFixed(3)})`);
  model.dispose();
}

function card(f: { parameters: number; steps: number; seconds: number; backend: string; final: number; first: number; examples: number; conversations: number; vocab: number; samples: string[]; sha: string }): string {
  return `# starter

A **demo-sized** language model (${(f.parameters / 1e6).toFixed(2)} M parameters) shipped with CAMEL
Extensions so that the sample workflows run on the embedded default with \`provider: local\` from the
first start, with no API key and no network. It is not a useful assistant: expect short, repetitive
and often wrong or off-topic replies. For real work use an OpenAI-compatible provider or a larger
model you import or train (docs/training.md).

## What it is
- Llama-style decoder (libs/ml): 3 layers, hidden size 128, 4 attention heads / 2 key-value heads,
  SwiGLU 384, tied embeddings, context 512 tokens (trained on sequences of at most ${SEQUENCE}).
- Byte-level BPE tokenizer trained on the same text (${f.vocab} tokens, ChatML special tokens
  \`<|im_start|>\`, \`<|im_end|>\`); prompts use the ChatML template.
- weights sha256 \`${f.sha}\`

## What it was trained on
Only text in this repository: about 40 short exchanges written for it
(\`tools/ml/starter/exchanges.txt\`: CAMEL role-play Instruction/Solution turns for the stock-trading
sample, plan/execute/review turns for the pipeline sample, small Python functions, plain
explanations of the platform's terms) and the sections of the project's own documentation turned
into "Explain …" questions — ${f.conversations} conversations, ${f.examples} examples (the exchanges weighted 6×).

## Training
\`node tools/ml/train-starter.mjs\`: SFT (next-token loss on the assistant turns), AdamW lr 3e-3
with 20 warm-up steps and linear decay, batch 8, seed 7, ${f.steps} steps in ${Math.round(f.seconds / 60)} min on
the ${f.backend} backend of a shared 2-core machine. Training loss ${f.first.toFixed(2)} → ${f.final.toFixed(2)}
(mean of the last 10 steps; metrics.jsonl has every step). There is no held-out evaluation.

## What it can and cannot do
- Can: answer in the chat format, end its turn (\`<|im_end|>\`), imitate the shape of CAMEL's
  \`Instruction:\` / \`Solution: … Next request.\` turns and of the pipeline's plans and reviews,
  repeat phrases of its training text.
- Cannot: follow instructions reliably, reason, write correct code beyond memorised snippets, know
  anything outside its few pages of text, or hold a long context (it sees the last tokens of a prompt).

Greedy samples after training (questions from its training text: it repeats what it memorised;
ask it anything else and the reply drifts into fragments of its few pages):
${f.samples.join('\n')}

## License and use
Trained from scratch on this repository's own text; same license as the repository. Demo use only.
`;
}

void main();
