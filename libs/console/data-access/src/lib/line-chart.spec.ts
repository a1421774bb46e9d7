import type { TrainingStepMetrics } from '@camel/contracts';
import { chartGeometry, formatTick, metricSeries, nearestPoints, niceTicks, TOKENS_PER_SECOND } from './line-chart';

const box = { width: 400, height: 200, margin: { top: 10, right: 10, bottom: 30, left: 50 } };

describe('line chart geometry', () => {
  it('puts round ticks over the data', () => {
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(3, 97, 4)).toEqual([20, 40, 60, 80]);
    expect(niceTicks(2, 2)).toEqual([2]);
    expect(formatTick(0.1 + 0.2)).toBe('0.3');
    expect(formatTick(12000)).toBe('12k');
    expect(formatTick(0.00012)).toBe('1.2e-4');
  });

  it('maps the smallest x to the left edge, the largest y to the top, and keeps every series in the plot', () => {
    const geometry = chartGeometry(
      [
        { name: 'a', points: [{ x: 1, y: 0.7 }, { x: 2, y: 0.5 }, { x: 3, y: 0.2 }] },
        { name: 'b', points: [{ x: 1, y: 0.1 }, { x: 3, y: Number.NaN }] },
      ],
      box,
    );
    expect(geometry.empty).toBe(false);
    const [a, b] = geometry.series;
    expect(a?.points[0]?.px).toBe(50);
    expect(a?.points[2]?.px).toBe(390);
    expect(a?.d.startsWith('M50 ')).toBe(true);
    expect(a?.d.split('L')).toHaveLength(3);
    // The NaN point is left out.
    expect(b?.points).toHaveLength(1);
    for (const point of [...(a?.points ?? []), ...(b?.points ?? [])]) {
      expect(point.py).toBeGreaterThanOrEqual(10);
      expect(point.py).toBeLessThanOrEqual(170);
    }
    // Higher values sit higher (smaller y pixel).
    expect((a?.points[0]?.py ?? 0) < (a?.points[2]?.py ?? 0)).toBe(true);
    expect(geometry.yTicks.length).toBeGreaterThan(1);
    expect(geometry.xTicks.map((tick) => tick.label)).toContain('2');
  });

  it('draws a flat series inside a band and says when there is nothing to draw', () => {
    const flat = chartGeometry([{ name: 'loss', points: [{ x: 5, y: 0.69 }] }], box);
    expect(flat.series[0]?.points[0]?.py).toBeGreaterThan(10);
    expect(flat.series[0]?.points[0]?.py).toBeLessThan(170);
    expect(chartGeometry([{ name: 'loss', points: [] }], box).empty).toBe(true);
  });

  it('builds series from a training history by TRL name, throughput from tokensPerSecond', () => {
    const step = (n: number, metrics: Record<string, number>): TrainingStepMetrics => ({ step: n, epoch: 0, metrics, learningRate: 1e-3, tokensPerSecond: 100 * n, at: '' });
    const history = [step(1, { loss: 0.69, 'rewards/chosen': 0 }), step(2, { loss: 0.6 })];
    const [loss, chosen, tps] = metricSeries(history, ['loss', 'rewards/chosen', TOKENS_PER_SECOND]);
    expect(loss?.points).toEqual([{ x: 1, y: 0.69 }, { x: 2, y: 0.6 }]);
    expect(chosen?.points).toEqual([{ x: 1, y: 0 }]);
    expect(tps?.points.map((p) => p.y)).toEqual([100, 200]);
    const geometry = chartGeometry(loss ? [loss] : [], box);
    expect(nearestPoints(geometry, 380)[0]?.point.x).toBe(2);
  });
});
