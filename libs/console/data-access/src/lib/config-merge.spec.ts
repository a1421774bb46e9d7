import { matchLines, mergeConfigSets, mergeText } from './config-merge';

const labels = { mine: 'your edits', theirs: 'version 3' };
const lines = (...items: string[]) => items.join('\n');

/** Length of a longest common subsequence by dynamic programming: the reference for matchLines. */
function lcsLength(a: readonly string[], b: readonly string[]): number {
  const row = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = 0;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = a[i - 1] === b[j - 1] ? diagonal + 1 : Math.max(row[j], row[j - 1]);
      diagonal = above;
    }
  }
  return row[b.length];
}

/** A small deterministic generator (no Math.random: failures must reproduce). */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

describe('matchLines', () => {
  it('matches equal lines in order, and finds a longest common subsequence', () => {
    expect(matchLines(['a', 'b', 'c'], ['a', 'x', 'c'])).toEqual([0, -1, 2]);
    expect(matchLines([], ['a'])).toEqual([]);
    expect(matchLines(['a'], [])).toEqual([-1]);
    const next = random(7);
    for (let round = 0; round < 200; round++) {
      const pick = () => Array.from({ length: Math.floor(next() * 12) }, () => 'abc'[Math.floor(next() * 3)]);
      const a = pick();
      const b = pick();
      const matches = matchLines(a, b);
      const pairs = matches.map((j, i) => [i, j]).filter(([, j]) => j >= 0);
      for (const [i, j] of pairs) expect(a[i]).toBe(b[j]);
      for (let p = 1; p < pairs.length; p++) expect(pairs[p][1]).toBeGreaterThan(pairs[p - 1][1]);
      expect(pairs.length).toBe(lcsLength(a, b));
    }
  });
});

describe('mergeText (diff3)', () => {
  const base = lines('version: 1', 'name: w', 'type: role_playing', 'max_turns: 20', 'task_prompt: Do it.', '');

  it('combines changes to different lines', () => {
    const mine = base.replace('name: w', 'name: v');
    const theirs = base.replace('task_prompt: Do it.', 'task_prompt: Do it well.');
    expect(mergeText(base, mine, theirs, labels)).toEqual({
      text: lines('version: 1', 'name: v', 'type: role_playing', 'max_turns: 20', 'task_prompt: Do it well.', ''),
      conflicts: 0,
    });
    // Adjacent lines too (where git's diff3 would see one region and a conflict).
    expect(mergeText(base, base.replace('max_turns: 20', 'max_turns: 30'), theirs, labels)).toEqual({
      text: lines('version: 1', 'name: w', 'type: role_playing', 'max_turns: 30', 'task_prompt: Do it well.', ''),
      conflicts: 0,
    });
  });

  it('refuses an insertion where the other side changes or inserts, and combines it with a change elsewhere', () => {
    const mine = base.replace('name: w\n', 'name: w\ndescription: d\n');
    const theirs = base.replace('type: role_playing', 'type: pipeline');
    expect(mergeText(base, mine, theirs, labels).conflicts).toBe(1);
    const later = base.replace('max_turns: 20', 'max_turns: 9');
    expect(mergeText(base, mine, later, labels)).toEqual({
      text: lines('version: 1', 'name: w', 'description: d', 'type: role_playing', 'max_turns: 9', 'task_prompt: Do it.', ''),
      conflicts: 0,
    });
    const other = base.replace('name: w\n', 'name: w\ncritic: c\n');
    expect(mergeText(base, mine, other, labels).conflicts).toBe(1);
  });

  it('merges random edits of different lines of a long file without conflicts', () => {
    const next = random(11);
    const original = Array.from({ length: 60 }, (_, i) => `key_${i}: ${i}`);
    for (let round = 0; round < 100; round++) {
      const mine = [...original];
      const theirs = [...original];
      const used = new Set<number>();
      for (let edit = 0; edit < 6; edit++) {
        const at = Math.floor(next() * original.length);
        if (used.has(at)) continue;
        used.add(at);
        (edit % 2 === 0 ? mine : theirs)[at] = `key_${at}: changed by ${edit % 2 === 0 ? 'me' : 'them'}`;
      }
      const expected = original.map((line, i) => (mine[i] !== line ? mine[i] : theirs[i]));
      expect(mergeText(original.join('\n'), mine.join('\n'), theirs.join('\n'), labels)).toEqual({ text: expected.join('\n'), conflicts: 0 });
    }
  });

  it('takes one side when the other did not change, or both made the same change', () => {
    const changed = base.replace('name: w', 'name: v');
    expect(mergeText(base, base, changed, labels)).toEqual({ text: changed, conflicts: 0 });
    expect(mergeText(base, changed, base, labels)).toEqual({ text: changed, conflicts: 0 });
    expect(mergeText(base, changed, changed, labels)).toEqual({ text: changed, conflicts: 0 });
    const both = lines('version: 1', 'name: w', 'type: role_playing', 'max_turns: 5', 'task_prompt: Do it.', 'extra: 1', '');
    const one = lines('version: 1', 'name: w', 'type: role_playing', 'max_turns: 5', 'task_prompt: Do it.', '');
    expect(mergeText(base, one, both, labels).text).toBe(both);
  });

  it('writes a conflict with markers where both changed the same lines differently', () => {
    const mine = base.replace('max_turns: 20', 'max_turns: 30');
    const theirs = base.replace('max_turns: 20', 'max_turns: 10');
    expect(mergeText(base, mine, theirs, labels)).toEqual({
      text: lines('version: 1', 'name: w', 'type: role_playing', '<<<<<<< your edits', 'max_turns: 30', '=======', 'max_turns: 10', '>>>>>>> version 3', 'task_prompt: Do it.', ''),
      conflicts: 1,
    });
  });

  it('keeps insertions of both sides at the start and at the end', () => {
    const mine = `# mine\n${base}`;
    const theirs = `${base}tail: 1\n`;
    expect(mergeText(base, mine, theirs, labels)).toEqual({ text: `# mine\n${base}tail: 1\n`, conflicts: 0 });
  });
});

describe('mergeConfigSets', () => {
  it('rebases edits file by file and names the files that need a person', () => {
    const base = { 'agents.yaml': 'a: 1\n', 'workflows/a.yaml': 'x: 1\n', 'workflows/b.yaml': 'y: 1\n', 'workflows/c.yaml': 'z: 1\n' };
    const mine = { 'agents.yaml': 'a: 2\n', 'workflows/a.yaml': 'x: 2\n', 'workflows/c.yaml': 'z: 1\n', 'workflows/new.yaml': 'n: 1\n' };
    const theirs = { 'agents.yaml': 'a: 1\n', 'workflows/a.yaml': 'x: 3\n', 'workflows/b.yaml': 'y: 2\n', 'workflows/c.yaml': 'z: 1\n', 'workflows/d.yaml': 'd: 1\n' };
    const merged = mergeConfigSets(base, mine, theirs, labels);
    expect(merged.files).toEqual({
      'agents.yaml': 'a: 2\n',
      'workflows/a.yaml': '<<<<<<< your edits\nx: 2\n=======\nx: 3\n>>>>>>> version 3\n',
      // Deleted here, changed there: kept with the change, for the person to decide.
      'workflows/b.yaml': 'y: 2\n',
      'workflows/c.yaml': 'z: 1\n',
      'workflows/d.yaml': 'd: 1\n',
      'workflows/new.yaml': 'n: 1\n',
    });
    expect(merged.conflicts).toEqual(['workflows/a.yaml', 'workflows/b.yaml']);
  });
});
