import { computeEventHash, type HashInput } from './hash';

const base: HashInput = {
  prevHash: '',
  streamId: 'project-1',
  streamType: 'project',
  streamVersion: 1,
  eventId: '00000000-0000-4000-8000-000000000001',
  type: 'ProjectCreated',
  schemaVersion: 1,
  dataText: '{"name":"a"}',
  metadataText: '{}',
};

describe('computeEventHash', () => {
  it('is the sha256 of the newline-joined fields (the formula es_append uses)', () => {
    expect(computeEventHash(base)).toBe(
      require('node:crypto')
        .createHash('sha256')
        .update(['', 'project-1', 'project', '1', base.eventId, 'ProjectCreated', '1', '{"name":"a"}', '{}'].join('\n'))
        .digest('hex'),
    );
  });

  it.each(Object.keys(base) as (keyof HashInput)[])('changes when %s changes', (key) => {
    const changed = { ...base, [key]: typeof base[key] === 'number' ? 2 : `${String(base[key])}x` };
    expect(computeEventHash(changed)).not.toBe(computeEventHash(base));
  });
});
