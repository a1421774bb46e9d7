import { csvField, exportLine, parsePreferenceJsonl, promptText } from './formats';

const pair = { prompt: [{ role: 'system' as const, content: 'Be brief.' }, { role: 'user' as const, content: 'Hi?' }], chosen: 'Hello, "you".', rejected: 'no\r\nway' };

describe('export formats', () => {
  it('standard: prompt as text, keys in order', () => {
    expect(exportLine('standard', pair)).toBe('{"prompt":"system: Be brief.\\n\\nuser: Hi?","chosen":"Hello, \\"you\\".","rejected":"no\\r\\nway"}\n');
    expect(promptText([{ role: 'user', content: 'only' }])).toBe('only');
  });

  it('conversational: message lists, one assistant message each', () => {
    expect(JSON.parse(exportLine('conversational', pair))).toEqual({
      prompt: pair.prompt,
      chosen: [{ role: 'assistant', content: 'Hello, "you".' }],
      rejected: [{ role: 'assistant', content: 'no\r\nway' }],
    });
  });

  it('csv quotes per RFC 4180', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "x"')).toBe('"say ""x"""');
    expect(exportLine('csv', pair)).toBe('"system: Be brief.\n\nuser: Hi?","Hello, ""you"".","no\r\nway"\r\n');
  });
});

describe('import', () => {
  it('reads both formats (CRLF, blank lines) and round-trips a single user prompt', () => {
    const file = `${JSON.stringify({ prompt: 'q', chosen: 'a', rejected: 'b' })}\r\n\r\n${exportLine('conversational', pair)}`;
    const pairs = parsePreferenceJsonl(file);
    expect(pairs).toEqual([{ prompt: [{ role: 'user', content: 'q' }], chosen: 'a', rejected: 'b' }, pair]);
    expect(exportLine('standard', pairs[0])).toBe(`${JSON.stringify({ prompt: 'q', chosen: 'a', rejected: 'b' })}\n`);
  });

  it('refuses the whole file with every problem positioned', () => {
    const file = ['[1]', JSON.stringify({ prompt: 'q', chosen: '', rejected: 'b' }), JSON.stringify({ prompt: [{ role: 'bot', content: 'x' }], chosen: [], rejected: [] })].join('\n');
    expect(() => parsePreferenceJsonl(file)).toThrow(expect.objectContaining({
      code: 'dataset.import.invalid',
      field: 'content',
      problems: [
        { line: 1, field: 'line', message: 'must be a JSON object' },
        { line: 2, field: 'chosen', message: 'must not be empty' },
        { line: 3, field: 'prompt[0].role', message: 'must be one of system, user, assistant' },
      ],
    }));
    expect(() => parsePreferenceJsonl('\n\n')).toThrow(expect.objectContaining({ code: 'dataset.import.empty' }));
  });
});
