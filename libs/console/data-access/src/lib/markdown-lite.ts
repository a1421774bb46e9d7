/** A piece of a line: plain text, `code`, **strong**, or a link (http(s) only). */
export type InlineSpan =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'code'; readonly text: string }
  | { readonly kind: 'strong'; readonly text: string }
  | { readonly kind: 'link'; readonly text: string; readonly href: string };

export type MarkdownBlock =
  | { readonly kind: 'heading'; readonly level: 1 | 2 | 3 | 4; readonly spans: readonly InlineSpan[] }
  | { readonly kind: 'paragraph'; readonly spans: readonly InlineSpan[] }
  | { readonly kind: 'list'; readonly ordered: boolean; readonly items: readonly (readonly InlineSpan[])[] }
  | { readonly kind: 'code'; readonly text: string }
  | { readonly kind: 'table'; readonly header: readonly string[]; readonly rows: readonly (readonly string[])[] };

const INLINE = /`([^`]+)`|\*\*([^*]+)\*\*|\[([^\]]+)\]\((https?:\/\/[^)\s]+)\)/g;

export function inlineSpans(line: string): InlineSpan[] {
  const spans: InlineSpan[] = [];
  let last = 0;
  for (const match of line.matchAll(INLINE)) {
    const at = match.index ?? 0;
    if (at > last) spans.push({ kind: 'text', text: line.slice(last, at) });
    if (match[1] !== undefined) spans.push({ kind: 'code', text: match[1] });
    else if (match[2] !== undefined) spans.push({ kind: 'strong', text: match[2] });
    else spans.push({ kind: 'link', text: match[3] ?? '', href: match[4] ?? '' });
    last = at + match[0].length;
  }
  if (last < line.length) spans.push({ kind: 'text', text: line.slice(last) });
  return spans;
}

const cells = (line: string) =>
  line
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split('|')
    .map((cell) => cell.trim());

/**
 * The Markdown a model card uses, as blocks a template renders as text (never as HTML): headings,
 * paragraphs, bullet and numbered lists, fenced code, pipe tables; inline code, strong and links.
 * Anything else shows as the text it is.
 */
export function markdownLite(source: string): MarkdownBlock[] {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const blocks: MarkdownBlock[] = [];
  let paragraph: string[] = [];
  const flush = () => {
    if (paragraph.length) blocks.push({ kind: 'paragraph', spans: inlineSpans(paragraph.join(' ')) });
    paragraph = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const heading = /^(#{1,4})\s+(.*)$/.exec(line);
    const item = /^\s*(?:([-*+])|(\d+)[.)])\s+(.*)$/.exec(line);
    if (line.startsWith('```')) {
      flush();
      const code: string[] = [];
      while (++i < lines.length && !(lines[i] ?? '').startsWith('```')) code.push(lines[i] ?? '');
      blocks.push({ kind: 'code', text: code.join('\n') });
    } else if (heading) {
      flush();
      blocks.push({ kind: 'heading', level: (heading[1]?.length ?? 1) as 1 | 2 | 3 | 4, spans: inlineSpans(heading[2] ?? '') });
    } else if (item) {
      flush();
      const ordered = item[2] !== undefined;
      const previous = blocks[blocks.length - 1];
      const spans = inlineSpans(item[3] ?? '');
      if (previous?.kind === 'list' && previous.ordered === ordered && /^\s*(?:[-*+]|\d+[.)])\s/.test(lines[i - 1] ?? '')) {
        blocks[blocks.length - 1] = { ...previous, items: [...previous.items, spans] };
      } else blocks.push({ kind: 'list', ordered, items: [spans] });
    } else if (line.trim().startsWith('|') && /^\s*\|?\s*:?-{3,}/.test(lines[i + 1] ?? '')) {
      flush();
      const header = cells(line);
      const rows: string[][] = [];
      i += 1;
      while (i + 1 < lines.length && (lines[i + 1] ?? '').trim().startsWith('|')) rows.push(cells(lines[++i] ?? ''));
      blocks.push({ kind: 'table', header, rows });
    } else if (line.trim() === '') {
      flush();
    } else {
      paragraph.push(line.trim());
    }
  }
  flush();
  return blocks;
}
