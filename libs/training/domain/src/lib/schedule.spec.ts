import { batchAt, batchesFrom, epochOrder, totalSteps } from './schedule';

describe('step schedule', () => {
  it('is a seeded permutation per epoch, different across epochs and seeds', () => {
    const a = epochOrder(7, 50, 0);
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(epochOrder(7, 50, 0)).toEqual(a);
    expect(epochOrder(7, 50, 1)).not.toEqual(a);
    expect(epochOrder(8, 50, 0)).not.toEqual(a);
  });

  it('covers every example once per epoch, the last batch holding the remainder', () => {
    expect(totalSteps(10, 4, 3)).toBe(9);
    const batches = [...batchesFrom(3, 10, 4, 3, 0)];
    expect(batches.map((b) => b.indices.length)).toEqual([4, 4, 2, 4, 4, 2, 4, 4, 2]);
    for (const epoch of [0, 1, 2]) {
      const seen = batches.filter((b) => b.epoch === epoch).flatMap((b) => b.indices);
      expect([...seen].sort((x, y) => x - y)).toEqual(Array.from({ length: 10 }, (_, i) => i));
    }
  });

  it('gives batch k as a function of (seed, size, batchSize, k): a resume from step s feeds what an uninterrupted run feeds', () => {
    const all = [...batchesFrom(11, 23, 5, 4, 0)];
    const resumed = [...batchesFrom(11, 23, 5, 4, 7)];
    expect(resumed).toEqual(all.slice(7));
    for (const b of all) expect(batchAt(11, 23, 5, b.k)).toEqual({ epoch: b.epoch, indices: b.indices });
  });
});
