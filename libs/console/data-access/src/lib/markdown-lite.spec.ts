import { inlineSpans, markdownLite } from './markdown-lite';

describe('markdownLite', () => {
  it('reads the blocks a model card uses', () => {
    const blocks = markdownLite(
      ['# starter', '', 'A **demo-sized** model,', 'trained on `docs/`.', '', '- one', '- two', '', '1. first', '', '| metric | value |', '|---|---|', '| loss | 0.4 |', '', '```', '<b>x</b>', '```'].join('\n'),
    );
    expect(blocks.map((b) => b.kind)).toEqual(['heading', 'paragraph', 'list', 'list', 'table', 'code']);
    expect(blocks[1]).toEqual({
      kind: 'paragraph',
      spans: [
        { kind: 'text', text: 'A ' },
        { kind: 'strong', text: 'demo-sized' },
        { kind: 'text', text: ' model, trained on ' },
        { kind: 'code', text: 'docs/' },
        { kind: 'text', text: '.' },
      ],
    });
    expect(blocks[2]).toMatchObject({ ordered: false, items: [[{ text: 'one' }], [{ text: 'two' }]] });
    expect(blocks[3]).toMatchObject({ ordered: true });
    expect(blocks[4]).toEqual({ kind: 'table', header: ['metric', 'value'], rows: [['loss', '0.4']] });
    // Code stays text: the template never renders it as HTML.
    expect(blocks[5]).toEqual({ kind: 'code', text: '<b>x</b>' });
  });

  it('links only to http(s) addresses', () => {
    expect(inlineSpans('[hf](https://huggingface.co) [x](javascript:alert(1))')).toEqual([
      { kind: 'link', text: 'hf', href: 'https://huggingface.co' },
      { kind: 'text', text: ' [x](javascript:alert(1))' },
    ]);
  });
});
