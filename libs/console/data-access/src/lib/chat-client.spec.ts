import { SseParser } from './chat-client';

describe('SseParser', () => {
  it('returns the data of each complete event, whatever the chunks', () => {
    const text = 'data: {"a":1}\n\n: comment\ndata: {"b":2}\r\n\r\ndata: line1\ndata: line2\n\ndata: [DONE]\n\n';
    const whole = new SseParser().push(text);
    expect(whole).toEqual(['{"a":1}', '{"b":2}', 'line1\nline2', '[DONE]']);
    for (const size of [1, 2, 3, 7]) {
      const parser = new SseParser();
      const events: string[] = [];
      for (let i = 0; i < text.length; i += size) events.push(...parser.push(text.slice(i, i + size)));
      expect(events).toEqual(whole);
    }
  });

  it('keeps an unfinished event until its blank line', () => {
    const parser = new SseParser();
    expect(parser.push('data: {"a"')).toEqual([]);
    expect(parser.push(':1}\n')).toEqual([]);
    expect(parser.push('\n')).toEqual(['{"a":1}']);
  });
});
