import { projectionsTable, textTable } from './cli-output';

const NOW = new Date('2026-12-01T10:00:00.000Z');

describe('CLI output', () => {
  it('aligns a text table under its header, without trailing spaces', () => {
    expect(textTable(['a', 'longer'], [['xyz', '1'], ['', '22']])).toBe(['a    longer', '---  ------', 'xyz  1', '     22'].join('\n'));
  });

  it('shows how far each projection is in the log’s terms, never a runner state the CLI does not run', () => {
    const text = projectionsTable(
      [
        { name: 'projects', version: 3, position: 1234, lag: 0, updatedAt: '2026-12-01T09:58:00.000Z' },
        { name: 'logs', version: 2, position: 1000, lag: 234, updatedAt: '2026-12-01T07:00:00.000Z', lastError: 'boom' },
        { name: 'audit', version: 3, position: 0, lag: 10_000 },
      ],
      1234,
      NOW,
      10_000,
    );
    const [header, , projects, logs, audit, , summary] = text.split('\n');
    expect(header).toMatch(/^projection\s+version\s+applied up to\s+behind\s+last applied\s+last error$/);
    expect(projects).toMatch(/^projects\s+3\s+event 1,234\s+up to date\s+2026-12-01 09:58:00Z \(2 min ago\)$/);
    expect(logs).toMatch(/^logs\s+2\s+event 1,000\s+234 events\s+2026-12-01 07:00:00Z \(3 h ago\)\s+boom$/);
    expect(audit).toMatch(/^audit\s+3\s+nothing yet\s+10,000\+ events\s+never$/);
    expect(summary).toContain('newest event is 1,234; behind: logs, audit');
    expect(text).not.toMatch(/stopped/);
  });

  it('says so when every projection is up to date, or the log is empty', () => {
    expect(projectionsTable([{ name: 'projects', version: 1, position: 5, lag: 0 }], 5, NOW, 10_000)).toContain('every projection has applied it');
    expect(projectionsTable([{ name: 'projects', version: 1, position: 0, lag: 0 }], 0, NOW, 10_000)).toContain('The log is empty.');
  });
});
