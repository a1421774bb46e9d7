/**
 * Reads a V8 .cpuprofile (node --cpu-prof) and sums self time per function, and per package or
 * source area, so a run can say where the api's CPU went without opening DevTools.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

interface CpuProfile {
  /** Microseconds on V8's monotonic clock: CLOCK_MONOTONIC on Linux, the same as clock.ts. */
  readonly startTime: number;
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface ProfileLine {
  readonly name: string;
  readonly percent: number;
}

/** `node_modules/<pkg>` → the package, repository files → their folder, V8/Node internals as such. */
function areaOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return 'node internals';
  const repo = /\/(apps|libs|tools)\/(.+)\/[^/]+$/.exec(url);
  return repo ? `${repo[1]}/${repo[2]}` : url;
}

/**
 * Self time of the samples taken between `fromMs` and `toMs` (clock.ts), in % of the non-idle time
 * (`(idle)`: the event loop waiting); `busy`: non-idle share of the window.
 */
export function summarizeProfile(
  file: string,
  window: { fromMs: number; toMs: number },
  top = 15,
): { functions: ProfileLine[]; areas: ProfileLine[]; busy: number } {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  let total = 0;
  let all = 0;
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    at += dt;
    if (at < window.fromMs * 1000 || at > window.toMs * 1000) return;
    all += dt;
    if (byId.get(id)?.callFrame.functionName === '(idle)') return;
    selfUs.set(id, (selfUs.get(id) ?? 0) + dt);
    total += dt;
  });
  const functions = new Map<string, number>();
  const areas = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const short = url ? `${url.split('/').slice(-2).join('/')}:${lineNumber + 1}` : '';
    const name = `${functionName || '(anonymous)'}${short ? ` ${short}` : ''}`;
    functions.set(name, (functions.get(name) ?? 0) + us);
    const area = areaOf(url, functionName);
    areas.set(area, (areas.get(area) ?? 0) + us);
  }
  const rank = (map: Map<string, number>): ProfileLine[] =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, percent: (100 * us) / Math.max(1, total) }));
  return { functions: rank(functions), areas: rank(areas), busy: total / Math.max(1, all) };
}
