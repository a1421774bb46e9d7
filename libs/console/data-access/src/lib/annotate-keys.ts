import type { AnnotationFlag, PreferenceChoice } from '@camel/contracts';

/** What a key does on the Annotate page. */
export type AnnotateAction =
  | { readonly kind: 'choose'; readonly choice: PreferenceChoice }
  | { readonly kind: 'rate'; readonly rating: number }
  | { readonly kind: 'tag'; readonly index: number }
  | { readonly kind: 'flag'; readonly flag: AnnotationFlag }
  | { readonly kind: 'focus'; readonly field: 'rationale' | 'correction' }
  | { readonly kind: 'accept-suggestion' }
  | { readonly kind: 'submit' }
  | { readonly kind: 'skip' }
  | { readonly kind: 'help' }
  /** Leaves a text field, or closes the help overlay. */
  | { readonly kind: 'escape' };

/** The parts of a `KeyboardEvent` the map reads. */
export interface KeyPress {
  readonly key: string;
  /** Physical key (`Digit3`): Shift+3 is `#` on one layout and `§` on another. */
  readonly code: string;
  readonly shiftKey: boolean;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  readonly altKey: boolean;
}

/** What the item on screen offers. */
export interface AnnotateKeyContext {
  /** Focus is in the rationale or correction text: letters are typing there. */
  readonly typing: boolean;
  readonly pairwise: boolean;
  /** The queue's rating scale (1..max, max ≤ 9), or null when it asks no rating. */
  readonly ratingMax: number | null;
  /** How many tags the label set offers (Shift+1..9 toggle the first nine). */
  readonly tags: number;
  readonly suggestion: boolean;
}

/** One row of the help overlay. */
export interface AnnotateKeyHelp {
  readonly keys: string;
  readonly does: string;
  /** Shown only when the item offers it. */
  readonly when?: 'pairwise' | 'rating' | 'tags' | 'suggestion';
}

/** Every key of the page, in the order the help overlay lists them. */
export const ANNOTATE_KEYS: readonly AnnotateKeyHelp[] = [
  { keys: 'A', does: 'A (the entry) is better', when: 'pairwise' },
  { keys: 'B', does: 'B (the alternative) is better', when: 'pairwise' },
  { keys: 'E', does: 'Equally good', when: 'pairwise' },
  { keys: 'X', does: 'Both bad', when: 'pairwise' },
  { keys: '1–9', does: 'Rating', when: 'rating' },
  { keys: 'Shift+1–9', does: 'Toggle the n-th tag', when: 'tags' },
  { keys: 'G', does: 'Take the judge’s suggestion', when: 'suggestion' },
  { keys: 'R', does: 'Write the rationale' },
  { keys: 'C', does: 'Edit a correction' },
  { keys: 'U', does: 'Flag as unsafe' },
  { keys: 'K', does: 'Flag as broken' },
  { keys: 'Enter', does: 'Submit and load the next item (Ctrl+Enter inside a text field)' },
  { keys: 'S', does: 'Skip this item' },
  { keys: 'Esc', does: 'Leave the text field / close this help' },
  { keys: '?', does: 'Show or hide this help' },
];

const CHOICES: Readonly<Record<string, PreferenceChoice>> = { a: 'A', b: 'B', e: 'equal', x: 'both_bad' };

/**
 * The action of a key press on the Annotate page, or null (the browser keeps the key). In a text
 * field only Esc and Ctrl/Cmd+Enter act; elsewhere keys with Ctrl, Cmd or Alt are the browser's.
 * Pure: the page turns an action into a change of its draft.
 */
export function annotateKeyAction(press: KeyPress, context: AnnotateKeyContext): AnnotateAction | null {
  if (press.key === 'Escape') return { kind: 'escape' };
  if (press.key === 'Enter' && (press.ctrlKey || press.metaKey)) return { kind: 'submit' };
  if (context.typing || press.ctrlKey || press.metaKey || press.altKey) return null;
  if (press.key === 'Enter') return { kind: 'submit' };
  if (press.key === '?') return { kind: 'help' };
  const digit = /^Digit([1-9])$/.exec(press.code)?.[1] ?? /^Numpad([1-9])$/.exec(press.code)?.[1];
  if (digit) {
    const n = Number(digit);
    if (press.shiftKey) return n <= context.tags ? { kind: 'tag', index: n - 1 } : null;
    return context.ratingMax !== null && n <= context.ratingMax ? { kind: 'rate', rating: n } : null;
  }
  if (press.shiftKey) return null;
  const letter = press.key.toLowerCase();
  const choice = CHOICES[letter];
  if (choice) return context.pairwise ? { kind: 'choose', choice } : null;
  switch (letter) {
    case 's':
      return { kind: 'skip' };
    case 'r':
      return { kind: 'focus', field: 'rationale' };
    case 'c':
      return { kind: 'focus', field: 'correction' };
    case 'u':
      return { kind: 'flag', flag: 'unsafe' };
    case 'k':
      return { kind: 'flag', flag: 'broken' };
    case 'g':
      return context.suggestion ? { kind: 'accept-suggestion' } : null;
    default:
      return null;
  }
}

/** The help rows for the item on screen. */
export function annotateKeyHelp(context: Omit<AnnotateKeyContext, 'typing'>): AnnotateKeyHelp[] {
  return ANNOTATE_KEYS.filter(
    (row) =>
      !row.when ||
      (row.when === 'pairwise' && context.pairwise) ||
      (row.when === 'rating' && context.ratingMax !== null) ||
      (row.when === 'tags' && context.tags > 0) ||
      (row.when === 'suggestion' && context.suggestion),
  );
}
