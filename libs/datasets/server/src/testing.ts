/**
 * Test helpers of the datasets context: annotation facts appended as the annotations context's
 * contract events (libs/contracts/src/lib/annotations.ts), on top of real runs, until tests can
 * make them through that context's API.
 */
export { appendAnnotation, reviseAnnotation, withdrawAnnotation, createQueue, completeQueueItem, adjudicateQueueItem, type AnnotationFixture } from './testing/annotation-fixtures';
export { collectGarbage, MemoryPeak, measureExport, syntheticPairs, type ExportMeasurement } from './testing/export-meter';
