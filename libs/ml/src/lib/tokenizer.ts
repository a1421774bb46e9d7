/**
 * Byte-level BPE (GPT-2, SmolLM, Llama 3), in Hugging Face `tokenizer.json` form both ways: read a
 * downloaded model's tokenizer, and train one on text for the platform's own models (deterministic:
 * the same text and merge count give the same file).
 *
 * Encoding: split out the added (special) tokens, pre-tokenize (regex splits), map each piece's UTF-8
 * bytes to GPT-2's printable characters, then apply merges lowest rank first.
 */

export class TokenizerError extends Error {}

/** GPT-2's reversible byte → printable character table. */
function byteTable(): string[] {
  const bytes: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) bytes.push(b);
  for (let b = 0xa1; b <= 0xac; b++) bytes.push(b);
  for (let b = 0xae; b <= 0xff; b++) bytes.push(b);
  const chars = new Array<string>(256);
  for (const b of bytes) chars[b] = String.fromCharCode(b);
  let n = 0;
  for (let b = 0; b < 256; b++) if (chars[b] === undefined) chars[b] = String.fromCharCode(256 + n++);
  return chars;
}

const BYTE_CHARS = byteTable();
const CHAR_BYTES = new Map(BYTE_CHARS.map((c, b) => [c, b]));

/** GPT-2's pre-tokenizer pattern (the ByteLevel pre-tokenizer's `use_regex`). */
export const GPT2_PATTERN = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

/** JavaScript has no inline `(?i:…)` groups (Llama 3's pattern uses one): spell each letter as a class. */
function toJsPattern(pattern: string): RegExp {
  const converted = pattern.replace(/\(\?i:([^()]*)\)/g, (_, body: string) => `(?:${body.replace(/[A-Za-z]/g, (c) => `[${c.toLowerCase()}${c.toUpperCase()}]`)})`);
  try {
    return new RegExp(converted, 'gu');
  } catch (error) {
    throw new TokenizerError(`tokenizer.json: pre-tokenizer pattern does not compile in JavaScript: ${(error as Error).message}`);
  }
}

type PreTokenizer = (pieces: string[]) => string[];

const regexSplit = (re: RegExp): PreTokenizer => (pieces) => pieces.flatMap((p) => p.match(re) ?? []);

function isolatedSplit(re: RegExp): PreTokenizer {
  return (pieces) =>
    pieces.flatMap((p) => {
      const out: string[] = [];
      let last = 0;
      for (const m of p.matchAll(re)) {
        const at = m.index ?? 0;
        if (at > last) out.push(p.slice(last, at));
        if (m[0].length > 0) out.push(m[0]);
        last = at + m[0].length;
      }
      if (last < p.length) out.push(p.slice(last));
      return out;
    });
}

interface PreTokenizerJson {
  type: string;
  use_regex?: boolean;
  add_prefix_space?: boolean;
  individual_digits?: boolean;
  pattern?: { Regex?: string; String?: string };
  behavior?: string;
  invert?: boolean;
  pretokenizers?: PreTokenizerJson[];
}

/** Pieces after pre-tokenization, already mapped to byte characters. */
function buildPreTokenizer(spec: PreTokenizerJson | null): (text: string) => string[] {
  const steps: PreTokenizer[] = [];
  let byteLevel = false;
  let prefixSpace = false;
  const add = (s: PreTokenizerJson): void => {
    if (s.type === 'Sequence') (s.pretokenizers ?? []).forEach(add);
    else if (s.type === 'ByteLevel') {
      byteLevel = true;
      prefixSpace = s.add_prefix_space === true;
      if (s.use_regex !== false) steps.push(regexSplit(toJsPattern(GPT2_PATTERN)));
    } else if (s.type === 'Split') {
      if (s.invert) throw new TokenizerError('tokenizer.json: an inverted Split pre-tokenizer is not supported');
      const source = s.pattern?.Regex ?? (s.pattern?.String ?? '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      if (s.behavior !== 'Isolated') throw new TokenizerError(`tokenizer.json: Split behavior ${String(s.behavior)} is not supported (Isolated)`);
      steps.push(isolatedSplit(toJsPattern(source)));
    } else if (s.type === 'Digits') steps.push(isolatedSplit(s.individual_digits ? /\p{N}/gu : /\p{N}+/gu));
    else throw new TokenizerError(`tokenizer.json: pre-tokenizer ${s.type} is not supported (ByteLevel, Split, Digits, Sequence)`);
  };
  if (spec) add(spec);
  if (!byteLevel) throw new TokenizerError('tokenizer.json: only byte-level BPE tokenizers are supported (no ByteLevel pre-tokenizer)');
  const encoder = new TextEncoder();
  return (text) => {
    const pieces = steps.reduce((acc, step) => step(acc), [prefixSpace && !text.startsWith(' ') ? ` ${text}` : text]);
    return pieces.map((p) => Array.from(encoder.encode(p), (b) => BYTE_CHARS[b]).join(''));
  };
}

export interface AddedToken {
  readonly id: number;
  readonly content: string;
  readonly special: boolean;
}

export interface TokenizerJson {
  added_tokens?: { id: number; content: string; special?: boolean }[];
  normalizer?: unknown;
  pre_tokenizer?: PreTokenizerJson | null;
  model: { type: string; vocab: Record<string, number>; merges: (string | [string, string])[]; byte_fallback?: boolean };
  [key: string]: unknown;
}

export class BpeTokenizer {
  private readonly vocab: Map<string, number>;
  private readonly tokens: string[] = [];
  private readonly ranks = new Map<string, number>();
  private readonly merges: [string, string][];
  private readonly preTokenize: (text: string) => string[];
  private readonly added: AddedToken[];
  private readonly addedPattern: RegExp | null;
  private readonly cache = new Map<string, number[]>();
  private readonly addedIds: Map<string, number>;
  private readonly addedById: Map<number, AddedToken>;

  constructor(private readonly json: TokenizerJson) {
    if (json.model?.type !== 'BPE') throw new TokenizerError(`tokenizer.json: model type ${String(json.model?.type)} is not supported (BPE)`);
    if (json.normalizer) throw new TokenizerError('tokenizer.json: normalizers are not supported');
    this.vocab = new Map(Object.entries(json.model.vocab));
    for (const [token, id] of this.vocab) this.tokens[id] = token;
    this.merges = json.model.merges.map((m) => (typeof m === 'string' ? (m.split(' ') as [string, string]) : m));
    this.merges.forEach(([a, b], rank) => this.ranks.set(`${a} ${b}`, rank));
    this.preTokenize = buildPreTokenizer(json.pre_tokenizer ?? null);
    this.added = (json.added_tokens ?? []).map((t) => ({ id: t.id, content: t.content, special: t.special === true }));
    for (const t of this.added) this.tokens[t.id] = t.content;
    this.addedIds = new Map(this.added.map((t) => [t.content, t.id]));
    this.addedById = new Map(this.added.map((t) => [t.id, t]));
    this.addedPattern = this.added.length
      ? new RegExp(
          [...this.added]
            .sort((a, b) => b.content.length - a.content.length)
            .map((t) => t.content.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
            .join('|'),
          'gu',
        )
      : null;
  }

  static fromJson(json: TokenizerJson | string): BpeTokenizer {
    try {
      return new BpeTokenizer(typeof json === 'string' ? (JSON.parse(json) as TokenizerJson) : json);
    } catch (error) {
      if (error instanceof TokenizerError) throw error;
      throw new TokenizerError(`tokenizer.json: ${(error as Error).message}`);
    }
  }

  get vocabSize(): number {
    return this.tokens.length;
  }

  /** The id of an added token such as `<|endoftext|>`, if the tokenizer has it. */
  tokenId(content: string): number | undefined {
    return this.addedIds.get(content) ?? this.vocab.get(content);
  }

  get specialTokens(): readonly AddedToken[] {
    return this.added.filter((t) => t.special);
  }

  private encodePiece(piece: string): number[] {
    const cached = this.cache.get(piece);
    if (cached) return cached;
    let symbols = Array.from(piece);
    while (symbols.length > 1) {
      let best = -1;
      let bestRank = Infinity;
      for (let i = 0; i < symbols.length - 1; i++) {
        const rank = this.ranks.get(`${symbols[i]} ${symbols[i + 1]}`);
        if (rank !== undefined && rank < bestRank) {
          bestRank = rank;
          best = i;
        }
      }
      if (best < 0) break;
      symbols = [...symbols.slice(0, best), symbols[best] + symbols[best + 1], ...symbols.slice(best + 2)];
    }
    const ids = symbols.map((s) => {
      const id = this.vocab.get(s);
      if (id === undefined) throw new TokenizerError(`tokenizer: no id for symbol ${JSON.stringify(s)} (the vocabulary lacks a byte)`);
      return id;
    });
    if (this.cache.size < 100_000) this.cache.set(piece, ids);
    return ids;
  }

  /** Text → ids. Added tokens in the text are matched as themselves unless `specials` is false. */
  encode(text: string, options: { specials?: boolean } = {}): number[] {
    const ids: number[] = [];
    const plain = (s: string) => {
      if (s) for (const piece of this.preTokenize(s)) ids.push(...this.encodePiece(piece));
    };
    if (!this.addedPattern || options.specials === false) {
      plain(text);
      return ids;
    }
    let last = 0;
    for (const m of text.matchAll(this.addedPattern)) {
      const at = m.index ?? 0;
      plain(text.slice(last, at));
      ids.push(this.addedIds.get(m[0]) ?? -1);
      last = at + m[0].length;
    }
    plain(text.slice(last));
    return ids;
  }

  /** Ids → text; special tokens are dropped when `skipSpecial`. Invalid UTF-8 (a cut multi-byte character) decodes as U+FFFD. */
  decode(ids: readonly number[], options: { skipSpecial?: boolean } = {}): string {
    const out: string[] = [];
    let bytes: number[] = [];
    const flush = () => {
      if (bytes.length) out.push(new TextDecoder().decode(new Uint8Array(bytes)));
      bytes = [];
    };
    for (const id of ids) {
      const addedToken = this.addedById.get(id);
      if (addedToken) {
        flush();
        if (!(options.skipSpecial && addedToken.special)) out.push(addedToken.content);
        continue;
      }
      const token = this.tokens[id];
      if (token === undefined) throw new TokenizerError(`tokenizer: id ${id} is outside the vocabulary`);
      for (const ch of token) bytes.push(CHAR_BYTES.get(ch) ?? 0x3f);
    }
    flush();
    return out.join('');
  }

  toJson(): TokenizerJson {
    return this.json;
  }
}

/**
 * Trains a byte-level BPE: the 256 byte symbols, then `merges` times the most frequent adjacent pair
 * within the GPT-2 pre-tokenized pieces (ties: the smallest pair, left symbol then right, so the result
 * depends only on the text), then the special tokens. Writes Hugging Face's tokenizer.json shape.
 */
export function trainBpe(text: string, options: { merges: number; specialTokens?: readonly string[] }): BpeTokenizer {
  const pieces = new Map<string, number>();
  for (const piece of buildPreTokenizer({ type: 'ByteLevel', use_regex: true })(text)) pieces.set(piece, (pieces.get(piece) ?? 0) + 1);
  const words = [...pieces].map(([piece, count]) => ({ symbols: Array.from(piece), count }));
  const merges: [string, string][] = [];
  for (let m = 0; m < options.merges; m++) {
    const counts = new Map<string, number>();
    for (const { symbols, count } of words) for (let i = 0; i < symbols.length - 1; i++) {
      const key = `${symbols[i]}\u0000${symbols[i + 1]}`;
      counts.set(key, (counts.get(key) ?? 0) + count);
    }
    let best: [string, string] | null = null;
    let bestCount = 0;
    for (const [key, count] of counts) {
      const pair = key.split('\u0000') as [string, string];
      if (count > bestCount || (count === bestCount && best && (pair[0] < best[0] || (pair[0] === best[0] && pair[1] < best[1])))) {
        best = pair;
        bestCount = count;
      }
    }
    if (!best) break;
    merges.push(best);
    for (const word of words) {
      const out: string[] = [];
      for (let i = 0; i < word.symbols.length; i++) {
        if (i + 1 < word.symbols.length && word.symbols[i] === best[0] && word.symbols[i + 1] === best[1]) {
          out.push(best[0] + best[1]);
          i++;
        } else out.push(word.symbols[i]);
      }
      word.symbols = out;
    }
  }
  const vocab: Record<string, number> = {};
  BYTE_CHARS.forEach((c, b) => (vocab[c] = b));
  let next = 256;
  for (const [a, b] of merges) if (!(a + b in vocab)) vocab[a + b] = next++;
  return new BpeTokenizer({
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: (options.specialTokens ?? []).map((content, i) => ({ id: next + i, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, use_regex: true },
    post_processor: null,
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: false, byte_fallback: false, vocab, merges: merges.map(([a, b]) => `${a} ${b}`) },
  } as TokenizerJson);
}
