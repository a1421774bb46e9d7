import type { AgreementStatistic, AnnotationValue, Disagreement, FieldAgreement, QueueItemView } from '@camel/contracts';
import { cohensKappa, krippendorffAlpha, percentAgreement, type Metric } from './agreement';

export interface ReviewedItem {
  readonly itemId: string;
  readonly entryId: string;
  readonly alternativeEntryId: string | null;
  readonly answers: readonly { readonly annotationId: string; readonly annotator: string; readonly value: AnnotationValue }[];
  readonly adjudication: QueueItemView['adjudication'];
}

type Field = FieldAgreement['field'];
interface FieldSpec {
  readonly field: Field;
  readonly metric: Metric;
  readonly read: (v: AnnotationValue) => string | number | undefined;
}
const FIELDS: readonly FieldSpec[] = [
  { field: 'rating', metric: 'interval', read: (v) => v.rating },
  { field: 'preference', metric: 'nominal', read: (v) => v.preference?.choice },
  { field: 'flags', metric: 'nominal', read: (v) => (v.flags ? [...v.flags].sort().join(',') : undefined) },
];

function fieldAgreement(items: readonly ReviewedItem[], spec: FieldSpec): FieldAgreement | null {
  const units = items.map((item) =>
    item.answers.flatMap((answer) => {
      const value = spec.read(answer.value);
      return value === undefined ? [] : [{ annotator: answer.annotator, value }];
    }),
  );
  if (units.every((unit) => unit.length === 0)) return null;
  const annotators = [...new Set(units.flat().map((a) => a.annotator))];
  const values = units.map((unit) => unit.map((a) => a.value));
  const statistics: AgreementStatistic[] = [
    { metric: 'percent_agreement', value: percentAgreement(values) },
    { metric: spec.metric === 'interval' ? 'krippendorff_alpha_interval' : 'krippendorff_alpha_nominal', value: krippendorffAlpha(values, spec.metric) },
  ];
  if (annotators.length === 2) {
    const [first, second] = annotators;
    const pairs = units.flatMap((unit) => {
      const a = unit.find((x) => x.annotator === first);
      const b = unit.find((x) => x.annotator === second);
      return a && b ? [[a.value, b.value] as const] : [];
    });
    statistics.push({ metric: 'cohens_kappa', value: cohensKappa(pairs) });
  }
  return { field: spec.field, units: values.filter((v) => v.length >= 2).length, annotators: annotators.length, statistics };
}

/**
 * One nominal yes/no field per label some answer gave (`tag:<name>`): every answer says yes (it has
 * the tag) or no (it has not, also when it has no tags at all), so a tag's agreement is the
 * annotators' agreement on "does this item deserve the tag".
 */
function tagFields(items: readonly ReviewedItem[]): FieldSpec[] {
  const labels = [...new Set(items.flatMap((item) => item.answers.flatMap((a) => a.value.tags ?? [])))].sort();
  return labels.map((label) => ({ field: `tag:${label}`, metric: 'nominal', read: (v: AnnotationValue) => ((v.tags ?? []).includes(label) ? 'yes' : 'no') }));
}

/** The agreement report of a queue's completed items: statistics per field (and per tag) and the items where answers differ. */
export function agreementReport(queueId: string, items: readonly ReviewedItem[]) {
  const specs = [...FIELDS, ...tagFields(items)];
  const fields = specs.map((spec) => fieldAgreement(items, spec)).filter((f): f is FieldAgreement => f !== null);
  const disagreements: Disagreement[] = items.flatMap((item) => {
    const differing = specs.filter((spec) => {
      const values = item.answers.map((a) => spec.read(a.value)).filter((v) => v !== undefined);
      return values.length >= 2 && new Set(values).size > 1;
    }).map((spec) => spec.field);
    return differing.length === 0
      ? []
      : [{ itemId: item.itemId, entryId: item.entryId, alternativeEntryId: item.alternativeEntryId, fields: differing, answers: item.answers, adjudication: item.adjudication }];
  });
  return { queueId, fields, disagreements };
}
