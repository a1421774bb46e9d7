import type { TrainingStepMetrics } from '@camel/contracts';

export interface ChartPoint {
  readonly x: number;
  readonly y: number;
}

export interface ChartSeries {
  readonly name: string;
  readonly points: readonly ChartPoint[];
}

export interface ChartBox {
  readonly width: number;
  readonly height: number;
  /** Room for the axes' labels. */
  readonly margin: { readonly top: number; readonly right: number; readonly bottom: number; readonly left: number };
}

export interface ChartTick {
  readonly value: number;
  /** Pixel position along its axis. */
  readonly at: number;
  readonly label: string;
}

export interface PlacedPoint extends ChartPoint {
  readonly px: number;
  readonly py: number;
}

export interface PlacedSeries {
  readonly name: string;
  /** SVG path data ('' for no points); a single point is drawn as a dot by the component. */
  readonly d: string;
  readonly points: readonly PlacedPoint[];
}

export interface ChartGeometry {
  readonly xTicks: readonly ChartTick[];
  readonly yTicks: readonly ChartTick[];
  readonly series: readonly PlacedSeries[];
  /** The plot area. */
  readonly plot: { readonly left: number; readonly top: number; readonly right: number; readonly bottom: number };
  readonly empty: boolean;
}

const finite = (point: ChartPoint) => Number.isFinite(point.x) && Number.isFinite(point.y);

/** About `count` round tick values covering [min, max] (1, 2 or 5 times a power of ten apart). */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min === max) return [min];
  const raw = (max - min) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const ratio = raw / power;
  const step = (ratio < 1.5 ? 1 : ratio < 3 ? 2 : ratio < 7 ? 5 : 10) * power;
  const ticks: number[] = [];
  for (let value = Math.ceil(min / step) * step; value <= max + step * 1e-9; value += step) ticks.push(Number(value.toPrecision(12)));
  return ticks;
}

/** A tick label: short, no float noise (0.30000000000000004 → 0.3, 12000 → 12k). */
export function formatTick(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${Number((value / 1e6).toPrecision(3))}M`;
  if (abs >= 1e4) return `${Number((value / 1e3).toPrecision(3))}k`;
  if (abs !== 0 && abs < 1e-3) return value.toExponential(1);
  return String(Number(value.toPrecision(4)));
}

/**
 * Scales and paths of a line chart: one x scale and one y scale over every series' finite points
 * (a flat series gets a band around its value), ticks at round values, y growing upwards.
 */
export function chartGeometry(series: readonly ChartSeries[], box: ChartBox): ChartGeometry {
  const plot = { left: box.margin.left, top: box.margin.top, right: box.width - box.margin.right, bottom: box.height - box.margin.bottom };
  const points = series.flatMap((s) => s.points.filter(finite));
  if (points.length === 0) return { xTicks: [], yTicks: [], series: series.map((s) => ({ name: s.name, d: '', points: [] })), plot, empty: true };
  let [xMin, xMax] = extent(points.map((p) => p.x));
  let [yMin, yMax] = extent(points.map((p) => p.y));
  if (xMin === xMax) [xMin, xMax] = [xMin - 1, xMax + 1];
  if (yMin === yMax) {
    const band = Math.abs(yMin) * 0.1 || 1;
    [yMin, yMax] = [yMin - band, yMax + band];
  }
  const yTickValues = niceTicks(yMin, yMax, 4);
  // The y axis spans its outer ticks, so the lines stay between labelled values.
  yMin = Math.min(yMin, yTickValues[0] ?? yMin);
  yMax = Math.max(yMax, yTickValues[yTickValues.length - 1] ?? yMax);
  const px = (x: number) => plot.left + ((x - xMin) / (xMax - xMin)) * (plot.right - plot.left);
  const py = (y: number) => plot.bottom - ((y - yMin) / (yMax - yMin)) * (plot.bottom - plot.top);
  const round = (value: number) => Math.round(value * 10) / 10;
  return {
    plot,
    empty: false,
    xTicks: niceTicks(xMin, xMax, 5).map((value) => ({ value, at: round(px(value)), label: formatTick(value) })),
    yTicks: niceTicks(yMin, yMax, 4).map((value) => ({ value, at: round(py(value)), label: formatTick(value) })),
    series: series.map((s) => {
      const placed = s.points.filter(finite).map((p) => ({ ...p, px: round(px(p.x)), py: round(py(p.y)) }));
      return { name: s.name, points: placed, d: placed.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.px} ${p.py}`).join(' ') };
    }),
  };
}

function extent(values: readonly number[]): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (const value of values) {
    if (value < min) min = value;
    if (value > max) max = value;
  }
  return [min, max];
}

/** The throughput series' name: not a TRL metric, it comes from each step's `tokensPerSecond`. */
export const TOKENS_PER_SECOND = 'tokens/s';

/** Series of a training history by metric name (TRL names, or `tokens/s`); steps lacking a metric are skipped. */
export function metricSeries(history: readonly TrainingStepMetrics[], names: readonly string[]): ChartSeries[] {
  return names.map((name) => ({
    name,
    points: history
      .map((step) => ({ x: step.step, y: name === TOKENS_PER_SECOND ? step.tokensPerSecond : (step.metrics[name] ?? Number.NaN) }))
      .filter(finite),
  }));
}

/** The nearest point of any series to a pixel x (the hover tooltip). */
export function nearestPoints(geometry: ChartGeometry, atX: number): { readonly name: string; readonly point: PlacedPoint }[] {
  return geometry.series.flatMap((s) => {
    let best: PlacedPoint | undefined;
    for (const point of s.points) if (!best || Math.abs(point.px - atX) < Math.abs(best.px - atX)) best = point;
    return best ? [{ name: s.name, point: best }] : [];
  });
}
