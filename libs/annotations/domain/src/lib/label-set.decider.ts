import { DomainError, LABEL_NAME_MAX_LENGTH, LABELS_MAX, type Label, type LabelSetDefined } from '@camel/contracts';
import type { Decider } from '@camel/kernel';

export type LabelSetCommand = { readonly type: 'DefineLabelSet'; readonly projectId: string; readonly labels: unknown };
export type LabelSetState = { readonly labels: readonly Label[] };

const COLOR = /^#[0-9a-fA-F]{6}$/;
const NAME = /^[\p{L}\p{N}][\p{L}\p{N} _.:/-]*$/u;

/** Checks a label list: names unique, printable, short; optional description and #rrggbb color. */
export function validLabels(raw: unknown): Label[] {
  if (!Array.isArray(raw)) throw DomainError.validation('label-set.invalid', 'labels', 'labels must be a list');
  if (raw.length > LABELS_MAX) throw DomainError.validation('label-set.too-many', 'labels', `at most ${LABELS_MAX} labels`);
  const seen = new Set<string>();
  return raw.map((label: unknown, index) => {
    const field = `labels.${index}`;
    if (typeof label !== 'object' || label === null) throw DomainError.validation('label.invalid', field, `${field} must be an object`);
    const { name, description, color, ...rest } = label as Record<string, unknown>;
    const extra = Object.keys(rest)[0];
    if (extra) throw DomainError.validation('label.unknown-member', `${field}.${extra}`, `${field}.${extra} is not a label member`);
    const trimmed = typeof name === 'string' ? name.trim() : '';
    if (!trimmed || trimmed.length > LABEL_NAME_MAX_LENGTH || !NAME.test(trimmed)) {
      throw DomainError.validation('label.name.invalid', `${field}.name`, `${field}.name must be 1–${LABEL_NAME_MAX_LENGTH} letters, digits, spaces or _.:/-`);
    }
    if (seen.has(trimmed)) throw DomainError.validation('label.name.duplicate', `${field}.name`, `${field}.name ${trimmed} is listed twice`);
    seen.add(trimmed);
    if (description !== undefined && (typeof description !== 'string' || description.length > 500)) {
      throw DomainError.validation('label.description.invalid', `${field}.description`, `${field}.description must be a string of at most 500 characters`);
    }
    if (color !== undefined && (typeof color !== 'string' || !COLOR.test(color))) {
      throw DomainError.validation('label.color.invalid', `${field}.color`, `${field}.color must be #rrggbb`);
    }
    return { name: trimmed, ...(description ? { description } : {}), ...(color ? { color: color as string } : {}) };
  });
}

/** A project's label set (tags an annotation may carry): each definition replaces the previous one. */
export const labelSetDecider: Decider<LabelSetCommand, LabelSetDefined, LabelSetState> = {
  initialState: { labels: [] },
  decide(command, state) {
    const labels = validLabels(command.labels);
    if (JSON.stringify(labels) === JSON.stringify(state.labels)) return [];
    return [{ type: 'LabelSetDefined', data: { projectId: command.projectId, labels } }];
  },
  evolve: (_state, event) => ({ labels: event.data.labels }),
};
