import { cohensKappa, krippendorffAlpha, percentAgreement } from './agreement';
import { agreementReport } from './agreement-report';

/** Units from rows of observers (null = no answer), as in Krippendorff's tables. */
const unitsOf = (rows: readonly (readonly (number | null)[])[]) =>
  rows[0].map((_, unit) => rows.map((row) => row[unit]).filter((v): v is number => v !== null));

describe('Krippendorff’s alpha against Krippendorff (2011), “Computing Krippendorff’s Alpha-Reliability”', () => {
  // Example C: four observers, twelve units, values 1–5, missing data.
  const reliability = unitsOf([
    [1, 2, 3, 3, 2, 1, 4, 1, 2, null, null, null],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, null, 3],
    [null, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, null],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, null],
  ]);

  it('nominal: 0.743', () => expect(krippendorffAlpha(reliability, 'nominal')).toBeCloseTo(0.743, 3));
  it('interval: 0.849', () => expect(krippendorffAlpha(reliability, 'interval')).toBeCloseTo(0.849, 3));

  it('binary, two observers, ten units (example A): 0.095', () => {
    const binary = unitsOf([
      [0, 1, 0, 0, 0, 0, 0, 0, 1, 0],
      [1, 1, 1, 0, 0, 1, 0, 0, 0, 0],
    ]);
    expect(krippendorffAlpha(binary, 'nominal')).toBeCloseTo(0.095, 3);
  });

  it('perfect agreement is 1; a single category and no pairable unit are null, not NaN', () => {
    expect(krippendorffAlpha([[1, 1], [2, 2], [3, 3]], 'interval')).toBe(1);
    expect(krippendorffAlpha([['A', 'A'], ['A', 'A', 'A']], 'nominal')).toBeNull();
    expect(krippendorffAlpha([[1], [2]], 'nominal')).toBeNull();
    expect(krippendorffAlpha([], 'nominal')).toBeNull();
  });
});

describe('Cohen’s kappa against worked 2×2 textbook examples', () => {
  const table = (yesYes: number, yesNo: number, noYes: number, noNo: number) => [
    ...Array.from({ length: yesYes }, () => ['yes', 'yes'] as const),
    ...Array.from({ length: yesNo }, () => ['yes', 'no'] as const),
    ...Array.from({ length: noYes }, () => ['no', 'yes'] as const),
    ...Array.from({ length: noNo }, () => ['no', 'no'] as const),
  ];

  it('20/5/10/15 → 0.4 (p_o 0.7, p_e 0.5)', () => expect(cohensKappa(table(20, 5, 10, 15))).toBeCloseTo(0.4, 10));
  it('45/15/25/15 → 0.1304', () => expect(cohensKappa(table(45, 15, 25, 15))).toBeCloseTo(0.1304, 4));
  it('25/35/5/35 → 0.2593', () => expect(cohensKappa(table(25, 35, 5, 35))).toBeCloseTo(0.2593, 4));
  it('Krippendorff’s binary example: p_o 0.6, p_e 0.56 → 0.0909', () => {
    const a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0];
    const b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0];
    expect(cohensKappa(a.map((v, i) => [v, b[i]] as const))).toBeCloseTo(0.0909, 4);
  });
  it('both always in one category: null, not NaN; no pairs: null', () => {
    expect(cohensKappa([['A', 'A'], ['A', 'A']])).toBeNull();
    expect(cohensKappa([])).toBeNull();
  });
});

describe('percent agreement', () => {
  it('two annotators: the share of units where they agree', () => {
    expect(percentAgreement([['A', 'A'], ['A', 'B'], ['B', 'B'], ['equal', 'equal']])).toBe(0.75);
  });
  it('three annotators: agreeing pairs per unit (2 of 3 agreeing → 1/3), averaged', () => {
    expect(percentAgreement([['A', 'A', 'B'], ['B', 'B', 'B']])).toBeCloseTo((1 / 3 + 1) / 2, 10);
  });
  it('no unit with two answers: null', () => expect(percentAgreement([['A'], []])).toBeNull());
});

describe('agreement report', () => {
  const answer = (annotator: string, value: object, id = `${annotator}-x`) => ({ annotationId: id, annotator, value });
  const pref = (choice: 'A' | 'B' | 'equal' | 'both_bad') => ({ preference: { alternativeEntryId: 'r:alt', choice } });

  it('pairwise with two annotators: percent agreement, nominal alpha and kappa; the disagreement list names the item and field', () => {
    const items = [
      { itemId: 'i1', entryId: 'r:t1', alternativeEntryId: 'r:alt', answers: [answer('u1', pref('A')), answer('u2', pref('A'))], adjudication: null },
      { itemId: 'i2', entryId: 'r:t2', alternativeEntryId: 'r:alt', answers: [answer('u1', pref('A')), answer('u2', pref('B'))], adjudication: null },
      { itemId: 'i3', entryId: 'r:t3', alternativeEntryId: 'r:alt', answers: [answer('u1', pref('B')), answer('u2', pref('B'))], adjudication: null },
    ];
    const report = agreementReport('q', items);
    expect(report.fields).toEqual([
      {
        field: 'preference',
        units: 3,
        annotators: 2,
        statistics: [
          { metric: 'percent_agreement', value: 2 / 3 },
          { metric: 'krippendorff_alpha_nominal', value: krippendorffAlpha([['A', 'A'], ['A', 'B'], ['B', 'B']], 'nominal') },
          { metric: 'cohens_kappa', value: cohensKappa([['A', 'A'], ['A', 'B'], ['B', 'B']]) },
        ],
      },
    ]);
    expect(report.disagreements.map((d) => [d.itemId, d.fields])).toEqual([['i2', ['preference']]]);
  });

  it('ratings by three annotators: interval alpha, no kappa; everyone choosing the same rating gives null statistics where undefined', () => {
    const same = [1, 2].map((n) => ({ itemId: `i${n}`, entryId: `r:t${n}`, alternativeEntryId: null, answers: ['u1', 'u2', 'u3'].map((u) => answer(u, { rating: 4 })), adjudication: null }));
    const [rating] = agreementReport('q', same).fields;
    expect(rating).toEqual({
      field: 'rating',
      units: 2,
      annotators: 3,
      statistics: [
        { metric: 'percent_agreement', value: 1 },
        { metric: 'krippendorff_alpha_interval', value: null },
      ],
    });
  });
});

describe('agreement on tags: each label a yes/no per item', () => {
  // Krippendorff (2011) example A as a tag: 1 = the answer has the tag `x`, 0 = it has not.
  const rows = [
    [0, 1, 0, 0, 0, 0, 0, 0, 1, 0],
    [1, 1, 1, 0, 0, 1, 0, 0, 0, 0],
  ];
  const items = rows[0].map((_, unit) => ({
    itemId: `i${unit}`,
    entryId: `r:t${unit}`,
    alternativeEntryId: null,
    answers: rows.map((row, observer) => ({ annotationId: `a${unit}-${observer}`, annotator: `u${observer}`, value: row[unit] ? { rating: 3, tags: ['x'] } : { rating: 3 } })),
    adjudication: null,
  }));

  it('alpha 0.095 (Krippendorff’s value), kappa (0.6 − 0.56) / 0.44, percent agreement 0.6; the disagreement list names the tag', () => {
    const report = agreementReport('q', items);
    const tag = report.fields.find((f) => f.field === 'tag:x');
    expect(tag).toMatchObject({ units: 10, annotators: 2 });
    const value = (metric: string) => tag?.statistics.find((s) => s.metric === metric)?.value;
    expect(value('krippendorff_alpha_nominal')).toBeCloseTo(0.095, 3);
    expect(value('cohens_kappa')).toBeCloseTo((0.6 - 0.56) / 0.44, 10);
    expect(value('percent_agreement')).toBeCloseTo(0.6, 10);
    expect(report.disagreements.map((d) => [d.itemId, d.fields])).toEqual([
      ['i0', ['tag:x']],
      ['i2', ['tag:x']],
      ['i5', ['tag:x']],
      ['i8', ['tag:x']],
    ]);
  });

  it('one field per label some answer gave, in name order; no tags, no tag fields; everyone tagging alike gives null, not NaN', () => {
    const tagged = (tags: string[][]) => [{ itemId: 'i', entryId: 'r:t', alternativeEntryId: null, answers: tags.map((t, n) => ({ annotationId: `a${n}`, annotator: `u${n}`, value: { tags: t } })), adjudication: null }];
    expect(agreementReport('q', tagged([['b', 'a'], ['a']])).fields.map((f) => f.field)).toEqual(['tag:a', 'tag:b']);
    expect(agreementReport('q', [{ ...tagged([])[0], answers: [{ annotationId: 'a', annotator: 'u', value: { rating: 2 } }] }]).fields.map((f) => f.field)).toEqual(['rating']);
    const alike = agreementReport('q', [...tagged([['a'], ['a']]), ...tagged([['a'], ['a']]).map((i) => ({ ...i, itemId: 'j' }))]);
    expect(alike.fields[0].statistics.find((s) => s.metric === 'krippendorff_alpha_nominal')?.value).toBeNull();
  });
});

