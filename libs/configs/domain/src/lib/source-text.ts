import { columnAt, type ConfigProblem } from '@camel/contracts';

export type Segment = string | number;

/** Formats a key path the way people write it: `agents[2].model.temperature`. */
export function formatPath(path: readonly Segment[]): string {
  return path.reduce<string>((text, segment) => (typeof segment === 'number' ? `${text}[${segment}]` : text ? `${text}.${segment}` : segment), '');
}

/** A file's text with its line starts: turns UTF-16 offsets into the line and column a person sees. */
export class SourceText {
  private readonly starts: number[] = [0];

  constructor(
    readonly file: string,
    readonly text: string,
  ) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  /** 1-based line of an offset. */
  lineOf(offset: number): number {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.starts[mid] <= offset) low = mid;
      else high = mid - 1;
    }
    return low + 1;
  }

  /** The text of a 1-based line, without its line break. */
  line(line: number): string {
    const start = this.starts[line - 1] ?? this.text.length;
    const end = this.starts[line] ?? this.text.length + 1;
    return this.text.slice(start, end - 1).replace(/\r$/, '');
  }

  lineStart(line: number): number {
    return this.starts[line - 1] ?? this.text.length;
  }

  get lineCount(): number {
    return this.starts.length;
  }

  position(offset: number): { line: number; column: number } {
    const clamped = Math.min(Math.max(offset, 0), this.text.length);
    const line = this.lineOf(clamped);
    return { line, column: columnAt(this.text.slice(this.lineStart(line), clamped), clamped - this.lineStart(line)) };
  }

  problem(offset: number, path: readonly Segment[], code: string, message: string): ConfigProblem {
    return { file: this.file, ...this.position(offset), path: formatPath(path), code, message };
  }
}
