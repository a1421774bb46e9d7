import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expected, TINY_LLAMA, must } from '../testing/fixtures';
import { encodeChat, renderChat } from './chat';
import { BpeTokenizer, TokenizerError, trainBpe, type TokenizerJson } from './tokenizer';

const fixture = expected();
const json = JSON.parse(readFileSync(join(TINY_LLAMA, 'tokenizer.json'), 'utf8')) as TokenizerJson;

describe('byte-level BPE', () => {
  it("reads a Hugging Face tokenizer.json and encodes to the ids the Python reference computes", () => {
    const tokenizer = BpeTokenizer.fromJson(json);
    for (const { text, ids } of fixture.tokenizer.encoded) {
      expect(tokenizer.encode(text)).toEqual(ids);
      expect(tokenizer.decode(ids)).toBe(text);
    }
  });

  it('trains the same vocabulary and merges as the reference trainer on the same text (deterministic)', () => {
    const trained = trainBpe(fixture.tokenizer.corpus, { merges: fixture.tokenizer.merges, specialTokens: ['<|endoftext|>'] }).toJson();
    expect(trained.model.merges).toEqual(json.model.merges);
    expect(trained.model.vocab).toEqual(json.model.vocab);
    expect(trained.added_tokens?.map((t) => [t.id, t.content])).toEqual(json.added_tokens?.map((t) => [t.id, t.content]));
    expect(JSON.stringify(trainBpe(fixture.tokenizer.corpus, { merges: 40 }).toJson())).toBe(JSON.stringify(trainBpe(fixture.tokenizer.corpus, { merges: 40 }).toJson()));
  });

  it('round-trips any text, special tokens included, and compresses the text it was trained on', () => {
    const tokenizer = trainBpe(fixture.tokenizer.corpus.repeat(3), { merges: 60, specialTokens: ['<|im_start|>', '<|im_end|>'] });
    const text = 'Ünïcödé, emoji 🙂, tabs\tand\r\nCRLF; 1234567 digits';
    expect(tokenizer.decode(tokenizer.encode(text))).toBe(text);
    const corpusIds = tokenizer.encode(fixture.tokenizer.corpus);
    expect(corpusIds.length).toBeLessThan(new TextEncoder().encode(fixture.tokenizer.corpus).length * 0.6);
    const chat = encodeChat(tokenizer, [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello.' },
      { role: 'user', content: 'Again' },
    ]);
    const start = must(tokenizer.tokenId('<|im_start|>'), 'im_start');
    expect(chat.filter((id) => id === start)).toHaveLength(5);
    expect(tokenizer.decode(chat)).toBe(renderChat([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello.' },
      { role: 'user', content: 'Again' },
    ]));
    expect(tokenizer.decode(chat, { skipSpecial: true })).not.toContain('<|im_start|>');
  });

  it("reads Llama 3's and SmolLM's pre-tokenizer shapes (Split with an inline-case group, Digits, Sequence)", () => {
    const llama3 = BpeTokenizer.fromJson({
      ...json,
      pre_tokenizer: {
        type: 'Sequence',
        pretokenizers: [
          { type: 'Split', pattern: { Regex: "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+" }, behavior: 'Isolated', invert: false },
          { type: 'ByteLevel', add_prefix_space: false, use_regex: false },
        ],
      },
    });
    expect(llama3.decode(llama3.encode("IT'S 12345 ok"))).toBe("IT'S 12345 ok");
    const smol = BpeTokenizer.fromJson({ ...json, pre_tokenizer: { type: 'Sequence', pretokenizers: [{ type: 'Digits', individual_digits: true }, { type: 'ByteLevel', add_prefix_space: false, use_regex: true }] } });
    // Digits one by one: "42" is two pieces, so no merge joins them.
    expect(smol.encode('42')).toEqual([52, 50]);
  });

  it('refuses tokenizers it cannot run, with a clear message', () => {
    expect(() => BpeTokenizer.fromJson({ ...json, model: { ...json.model, type: 'Unigram' } })).toThrow(TokenizerError);
    expect(() => BpeTokenizer.fromJson({ ...json, pre_tokenizer: { type: 'Metaspace' } })).toThrow(/Metaspace/);
    expect(() => BpeTokenizer.fromJson('{not json')).toThrow(TokenizerError);
    expect(() => BpeTokenizer.fromJson(json).decode([99999])).toThrow(/outside the vocabulary/);
  });
});
