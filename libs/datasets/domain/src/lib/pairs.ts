import type {
  AnnotationValue,
  ChatMessage,
  DatasetCounts,
  DatasetPairing,
  DatasetLineage,
  DatasetSplit,
  DatasetSplitSpec,
  ImportedPair,
  PairSource,
} from '@camel/contracts';
import { DATASET_PAIRING } from '@camel/contracts';
import { createHash } from 'node:crypto';
import type { EntryFacts } from './entries';

/**
 * One answer that counts for a dataset: an annotation's latest value (not withdrawn), or a
 * reviewer's adjudication, which replaces the answers of its item's annotators (`annotationIds`
 * are then the item's annotations).
 */
export interface CountedAnswer {
  readonly entryId: string;
  readonly runId: string;
  readonly annotationIds: readonly string[];
  readonly value: AnnotationValue;
  /** A reviewer's decision: it wins a disagreement with annotators' answers (pairing 2). */
  readonly adjudicated?: boolean;
}

export interface CandidatePair {
  readonly prompt: readonly ChatMessage[];
  readonly chosen: string;
  readonly rejected: string;
  readonly source: PairSource;
  readonly entryId: string | null;
  readonly annotationIds: readonly string[];
  readonly runIds: readonly string[];
  readonly configVersions: readonly number[];
  readonly adjudicated?: boolean;
}

export interface DerivedPairs {
  readonly candidates: readonly CandidatePair[];
  /** Pairwise answers `equal` / `both_bad`. */
  readonly ties: number;
}

/**
 * The preference pairs of the answers: a pairwise answer A (the entry) or B (the alternative)
 * makes chosen/rejected of the two contents under the entry's prompt; `equal` and `both_bad` are
 * ties (counted, no pair); a correction makes chosen = the correction, rejected = the entry's
 * content. One answer can make both kinds. Answers whose entries are unknown make nothing.
 */
export function derivePairs(answers: readonly CountedAnswer[], entry: (entryId: string) => EntryFacts | undefined): DerivedPairs {
  const candidates: CandidatePair[] = [];
  let ties = 0;
  for (const answer of answers) {
    const a = entry(answer.entryId);
    if (!a) continue;
    const base = { prompt: a.prompt, entryId: answer.entryId, annotationIds: answer.annotationIds, ...(answer.adjudicated ? { adjudicated: true } : {}) };
    const preference = answer.value.preference;
    if (preference) {
      const b = entry(preference.alternativeEntryId);
      if (preference.choice === 'equal' || preference.choice === 'both_bad') ties += 1;
      else if (b) {
        const [chosen, rejected] = preference.choice === 'A' ? [a, b] : [b, a];
        candidates.push({ ...base, chosen: chosen.content, rejected: rejected.content, source: 'pairwise', ...lineageOf([a, b]) });
      }
    }
    const correction = answer.value.correction;
    if (correction !== undefined && correction !== a.content) {
      candidates.push({ ...base, chosen: correction, rejected: a.content, source: 'correction', ...lineageOf([a]) });
    }
  }
  return { candidates, ties };
}

const lineageOf = (entries: readonly EntryFacts[]) => ({
  runIds: [...new Set(entries.map((e) => e.runId))],
  configVersions: [...new Set(entries.map((e) => e.configVersion))],
});

export interface MaterializedPair {
  /** sha256 of the pair's content: the deduplication key and the sort key. */
  readonly key: string;
  readonly split: DatasetSplit;
  readonly prompt: readonly ChatMessage[];
  readonly chosen: string;
  readonly rejected: string;
  readonly source: PairSource;
  readonly entryId: string | null;
  readonly annotationIds: readonly string[];
}

export interface Materialized {
  /** In export order (by key). */
  readonly pairs: readonly MaterializedPair[];
  readonly contentHash: string;
  readonly counts: DatasetCounts;
  readonly lineage: DatasetLineage;
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Stable JSON of a message list: keys in a fixed order whatever the input's order. */
const messagesJson = (messages: readonly ChatMessage[]): string => JSON.stringify(messages.map((m) => ({ role: m.role, content: m.content })));

export const pairKey = (pair: { readonly prompt: readonly ChatMessage[]; readonly chosen: string; readonly rejected: string }): string =>
  sha256(`${messagesJson(pair.prompt)}\n${JSON.stringify(pair.chosen)}\n${JSON.stringify(pair.rejected)}`);

/** `test` when the seeded hash of the pair's key falls under the ratio: the same seed and pair always land in the same split. */
export function splitOf(key: string, split: DatasetSplitSpec): DatasetSplit {
  const draw = parseInt(sha256(`${split.seed}:${key}`).slice(0, 12), 16) / 2 ** 48;
  return draw < split.testRatio ? 'test' : 'train';
}

/** The line of the content hash for one pair (and of nothing else). */
export const hashLine = (pair: { readonly split: DatasetSplit; readonly prompt: readonly ChatMessage[]; readonly chosen: string; readonly rejected: string }): string =>
  `{"split":${JSON.stringify(pair.split)},"prompt":${messagesJson(pair.prompt)},"chosen":${JSON.stringify(pair.chosen)},"rejected":${JSON.stringify(pair.rejected)}}\n`;

/** sha256 over the pairs' hash lines in order: what `contentHash` is (docs/api.md). */
export function contentHashOf(pairs: Iterable<Parameters<typeof hashLine>[0]>): string {
  const hash = createHash('sha256');
  for (const pair of pairs) hash.update(hashLine(pair));
  return hash.digest('hex');
}

/**
 * Candidates → a dataset version's pairs: duplicates (same prompt, chosen and rejected) merged into
 * one (their annotations kept in its lineage), ordered by content key, split by the seed.
 * Independent of the candidates' order, so the same answers always give the same bytes.
 */
export function materialize(derived: DerivedPairs, split: DatasetSplitSpec, pairing: DatasetPairing = DATASET_PAIRING): Materialized {
  const byKey = new Map<string, Merged>();
  const runIds = new Set<string>();
  const configVersions = new Set<number>();
  const annotations = new Set<string>();
  for (const pair of derived.candidates) {
    const key = pairKey(pair);
    const seen = byKey.get(key);
    if (seen) {
      pair.annotationIds.forEach((id) => seen.annotationIds.add(id));
      seen.adjudicated ||= pair.adjudicated === true;
    } else byKey.set(key, { pair, annotationIds: new Set(pair.annotationIds), adjudicated: pair.adjudicated === true });
    pair.runIds.forEach((id) => runIds.add(id));
    pair.configVersions.forEach((v) => configVersions.add(v));
    pair.annotationIds.forEach((id) => annotations.add(id));
  }
  const merged = byKey.size;
  const conflictsSkipped = pairing >= 2 ? settleConflicts(byKey) : 0;
  const pairs = [...byKey.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, { pair, annotationIds }]): MaterializedPair => ({
      key,
      split: splitOf(key, split),
      prompt: pair.prompt,
      chosen: pair.chosen,
      rejected: pair.rejected,
      source: pair.source,
      entryId: pair.entryId,
      annotationIds: [...annotationIds].sort(),
    }));
  const test = pairs.filter((p) => p.split === 'test').length;
  return {
    pairs,
    contentHash: contentHashOf(pairs),
    counts: {
      pairs: pairs.length,
      tiesSkipped: derived.ties,
      duplicatesRemoved: derived.candidates.length - merged,
      ...(pairing >= 2 ? { conflictsSkipped } : {}),
      train: pairs.length - test,
      test,
    },
    lineage: { annotations: annotations.size, runIds: [...runIds].sort(), configVersions: [...configVersions].sort((a, b) => a - b) },
  };
}

interface Merged {
  readonly pair: CandidatePair;
  readonly annotationIds: Set<string>;
  adjudicated: boolean;
}

/** Whether `a` loses to `b` in a disagreement: a reviewer's decision beats answers, else more answers win, a tie loses both. */
const losesTo = (a: Merged, b: Merged): boolean => (a.adjudicated !== b.adjudicated ? b.adjudicated : a.annotationIds.size <= b.annotationIds.size);

/**
 * A pair and its reverse (same prompt, chosen and rejected swapped) are a disagreement nobody
 * settled: see losesTo. Removes the losers; returns how many.
 */
function settleConflicts(byKey: Map<string, Merged>): number {
  const losers = new Set<string>();
  for (const [key, merged] of byKey) {
    const { pair } = merged;
    const reverse = byKey.get(pairKey({ prompt: pair.prompt, chosen: pair.rejected, rejected: pair.chosen }));
    if (reverse && losesTo(merged, reverse)) losers.add(key);
  }
  for (const key of losers) byKey.delete(key);
  return losers.size;
}

/** Imported pairs (no annotations, no runs) through the same deduplication, order and split; taken as given (no votes to settle a conflict with). */
export function materializeImported(pairs: readonly Omit<ImportedPair, 'split'>[], split: DatasetSplitSpec): Materialized {
  return materialize(
    { candidates: pairs.map((p) => ({ ...p, source: 'import', entryId: null, annotationIds: [], runIds: [], configVersions: [] })), ties: 0 },
    split,
    1,
  );
}
