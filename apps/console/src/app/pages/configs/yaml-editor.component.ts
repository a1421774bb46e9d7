import { ChangeDetectionStrategy, Component, DestroyRef, ElementRef, afterNextRender, effect, inject, input, output, signal, untracked } from '@angular/core';
import { yaml } from '@codemirror/lang-yaml';
import { forEachDiagnostic, lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { Compartment, EditorState, Transaction, type Extension } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import type { ConfigProblem } from '@camel/contracts';
import { offsetOf } from '@camel/console-data-access';
import { basicSetup } from 'codemirror';

/** A request to put the cursor somewhere: a new `seq` for every click. */
export interface CursorRequest {
  readonly path: string;
  readonly line: number;
  readonly column: number;
  readonly seq: number;
}

const theme = EditorView.theme({
  '&': { height: '100%', fontSize: '13px', backgroundColor: 'var(--mat-sys-surface-container-lowest)' },
  '.cm-scroller': { fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, 'Liberation Mono', monospace" },
  '&.cm-focused': { outline: '2px solid var(--mat-sys-primary)' },
  '.cm-gutters': { backgroundColor: 'var(--mat-sys-surface-container-low)', borderRight: '1px solid var(--mat-sys-outline-variant)' },
});

/** One diagnostic per problem: from its line and column to the end of that line (the whole line when it points at the end). */
function toDiagnostics(state: EditorState, problems: readonly ConfigProblem[]): Diagnostic[] {
  const text = state.doc.toString();
  return problems.map((problem) => {
    const at = offsetOf(text, problem.line, problem.column);
    const line = state.doc.lineAt(at);
    const from = at < line.to ? at : line.from;
    return {
      from,
      to: line.to,
      severity: 'error',
      source: problem.code,
      message: `${problem.path ? `${problem.path}: ` : ''}${problem.message}`,
    };
  });
}

/** The 1-based line numbers that carry a diagnostic, as the editor has them now. */
function diagnosticLines(state: EditorState): string {
  const lines = new Set<number>();
  forEachDiagnostic(state, (_diagnostic, from) => lines.add(state.doc.lineAt(from).number));
  return [...lines].sort((a, b) => a - b).join(' ');
}

/**
 * CodeMirror 6 on one config file: YAML highlighting, line numbers, undo history per file, and the
 * validation problems as inline lint diagnostics (underline, gutter marker, tooltip). The text is
 * an input; every edit is emitted (`textChange`). Read-only when the user may not write.
 */
@Component({
  selector: 'camel-yaml-editor',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: {
    'data-testid': 'config-editor',
    '[attr.data-path]': 'path()',
    '[attr.data-readonly]': 'readOnly()',
    '[attr.data-lint-lines]': 'lintLines()',
  },
  template: '',
  styles: `
    :host {
      display: block;
      height: 60vh;
      min-height: 320px;
      border: 1px solid var(--mat-sys-outline-variant);
      border-radius: 8px;
      overflow: hidden;
    }
  `,
})
export class YamlEditorComponent {
  /** The file shown; each file keeps its own state (undo history, selection) until `resetKey` changes. */
  readonly path = input.required<string>();
  readonly text = input.required<string>();
  readonly readOnly = input(false);
  /** This file's problems, positioned in `text` as it was validated. */
  readonly problems = input<readonly ConfigProblem[]>([]);
  readonly cursor = input<CursorRequest | null>(null);
  /** A new value forgets every file's editor state (e.g. another version was loaded). */
  readonly resetKey = input<unknown>(null);
  readonly textChange = output<{ path: string; text: string }>();

  protected readonly lintLines = signal('');
  private readonly view = signal<EditorView | undefined>(undefined);
  private readonly states = new Map<string, EditorState>();
  private readonly editable = new Compartment();
  private readonly label = new Compartment();
  private shownPath = '';
  private shownResetKey: unknown = null;
  private appliedCursor = 0;

  constructor() {
    const host = inject<ElementRef<HTMLElement>>(ElementRef).nativeElement;
    afterNextRender(() => {
      const path = untracked(this.path);
      this.shownPath = path;
      this.shownResetKey = untracked(this.resetKey);
      this.view.set(new EditorView({ parent: host, state: this.createState(path, untracked(this.text)) }));
    });
    inject(DestroyRef).onDestroy(() => this.view()?.destroy());

    // Which file, which text, read-only or not; then its diagnostics; then the cursor.
    effect(() => {
      const view = this.view();
      if (!view) return;
      const path = this.path();
      const text = this.text();
      const readOnly = this.readOnly();
      const resetKey = this.resetKey();
      untracked(() => {
        if (resetKey !== this.shownResetKey) {
          this.states.clear();
          this.shownResetKey = resetKey;
          view.setState(this.createState(path, text));
          this.shownPath = path;
        } else if (path !== this.shownPath) {
          this.states.set(this.shownPath, view.state);
          view.setState(this.states.get(path) ?? this.createState(path, text));
          this.states.delete(path);
          this.shownPath = path;
        }
        view.dispatch({ effects: [this.editable.reconfigure(this.editableExtension(readOnly)), this.label.reconfigure(this.labelExtension(path))] });
        this.replaceText(view, text);
      });
    });
    effect(() => {
      const view = this.view();
      if (!view) return;
      this.path();
      this.resetKey();
      const problems = this.problems();
      untracked(() => {
        view.dispatch(setDiagnostics(view.state, toDiagnostics(view.state, problems)));
        this.lintLines.set(diagnosticLines(view.state));
      });
    });
    effect(() => {
      const view = this.view();
      const cursor = this.cursor();
      this.path();
      if (!view || !cursor || cursor.seq === this.appliedCursor || cursor.path !== untracked(this.path)) return;
      this.appliedCursor = cursor.seq;
      untracked(() => {
        const anchor = offsetOf(view.state.doc.toString(), cursor.line, cursor.column);
        view.dispatch({ selection: { anchor }, scrollIntoView: true });
        view.focus();
      });
    });
  }

  private createState(path: string, text: string): EditorState {
    const extensions: Extension[] = [
      basicSetup,
      yaml(),
      lintGutter(),
      theme,
      EditorView.lineWrapping,
      EditorState.tabSize.of(2),
      this.editable.of(this.editableExtension(untracked(this.readOnly))),
      this.label.of(this.labelExtension(path)),
      EditorView.updateListener.of((update) => {
        if (update.docChanged) {
          this.lintLines.set(diagnosticLines(update.state));
          // Changes the input brought in are not edits of the person.
          if (update.transactions.some((tr) => tr.annotation(Transaction.remote))) return;
          this.textChange.emit({ path: this.shownPath, text: update.state.doc.toString() });
        } else if (update.transactions.some((tr) => tr.effects.length > 0)) {
          this.lintLines.set(diagnosticLines(update.state));
        }
      }),
    ];
    return EditorState.create({ doc: text, extensions });
  }

  private editableExtension(readOnly: boolean): Extension {
    return [EditorState.readOnly.of(readOnly), EditorView.editable.of(!readOnly)];
  }

  private labelExtension(path: string): Extension {
    return EditorView.contentAttributes.of({ 'aria-label': `${path} (YAML)`, 'data-testid': 'config-editor-content' });
  }

  /** Brings the input's text in as one minimal change, so the cursor stays where it was. */
  private replaceText(view: EditorView, text: string): void {
    const current = view.state.doc.toString();
    if (current === text) return;
    let start = 0;
    const max = Math.min(current.length, text.length);
    while (start < max && current.charCodeAt(start) === text.charCodeAt(start)) start++;
    let endCurrent = current.length;
    let endText = text.length;
    while (endCurrent > start && endText > start && current.charCodeAt(endCurrent - 1) === text.charCodeAt(endText - 1)) {
      endCurrent--;
      endText--;
    }
    view.dispatch({
      changes: { from: start, to: endCurrent, insert: text.slice(start, endText) },
      annotations: Transaction.remote.of(true),
    });
  }
}
