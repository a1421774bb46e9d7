import { createHmac } from 'node:crypto';
import { canonicalJson, computeEventHash, computeEventMac, eventMacProblem, keyIdOf, type HashInput, type MacInput } from './hash';

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

describe('keyed event hashes', () => {
  const key = 'a-log-signing-key-kept-outside-the-database';
  const content: MacInput = {
    streamId: 'project-1',
    streamType: 'project',
    streamVersion: 3,
    eventId: '00000000-0000-4000-8000-000000000001',
    type: 'ProjectCreated',
    schemaVersion: 1,
    data: { name: 'a', tags: ['x'] },
    metadata: {},
  };

  it('sorts object keys at every level, keeping array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { y: 1, x: 0 }], c: null } })).toBe('{"a":{"c":null,"d":[2,{"x":0,"y":1}]},"b":1}');
  });

  it.each([
    ['undefined properties left out, undefined in arrays as null', { a: undefined, b: [undefined, 1] }],
    ['toJSON (dates)', { at: new Date('2026-01-01T00:00:00Z') }],
    ['non-finite numbers as null', { n: Number.NaN, m: -0, i: Number.POSITIVE_INFINITY }],
    ['nested unicode and escapes', { 'k"ey': 'line\nbreak \u00e9 \u{1F42A}' }],
  ])('gives the value and its JSON round trip the same text (%s)', (_label, value) => {
    expect(canonicalJson(value)).toBe(canonicalJson(JSON.parse(JSON.stringify(value))));
  });

  it('is the same for the appended value and jsonb’s rewritten text parsed back (key order, spaces)', () => {
    const appended = computeEventMac(key, content);
    const stored = computeEventMac(key, { ...content, data: JSON.parse('{"tags": ["x"], "name": "a"}') });
    expect(stored).toBe(appended);
    expect(appended).toMatch(new RegExp(`^m2:${keyIdOf(key)}:[0-9a-f]{64}$`));
  });

  it.each([
    ['data', { data: { name: 'b', tags: ['x'] } }],
    ['metadata', { metadata: { actor: 'x' } }],
    ['type', { type: 'ProjectRenamed' }],
    ['stream', { streamId: 'project-2' }],
    ['event id', { eventId: '00000000-0000-4000-8000-000000000002' }],
    ['schema version', { schemaVersion: 2 }],
    ['stream version (an event moved within its stream)', { streamVersion: 4 }],
  ])('changes with the %s', (_label, change) => {
    const mac = computeEventMac(key, content);
    expect(eventMacProblem([key], mac, { ...content, ...change })).toBe('mac-mismatch');
    expect(eventMacProblem([key], mac, content)).toBeUndefined();
  });

  it('still verifies an m1 hash of an earlier log as it was made (it did not cover the stream version)', () => {
    const legacy = ['m1', content.streamId, content.streamType, content.eventId, content.type, String(content.schemaVersion), canonicalJson(content.data), canonicalJson(content.metadata)].join('\n');
    const m1 = `m1:${keyIdOf(key)}:${createHmac('sha256', key).update(legacy, 'utf8').digest('hex')}`;
    expect(eventMacProblem([key], m1, content)).toBeUndefined();
    expect(eventMacProblem([key], m1, { ...content, streamVersion: 9 })).toBeUndefined();
    expect(eventMacProblem([key], m1, { ...content, data: { name: 'b' } })).toBe('mac-mismatch');
    expect(eventMacProblem([key], `m0:${keyIdOf(key)}:${'0'.repeat(64)}`, content)).toBe('mac-key-unknown');
  });

  it('names a key it does not have, and finds a previous one by its id', () => {
    const old = computeEventMac(`${key}-old`, content);
    expect(eventMacProblem([key], old, content)).toBe('mac-key-unknown');
    expect(eventMacProblem([key, `${key}-old`], old, content)).toBeUndefined();
    expect(eventMacProblem([key], 'garbage', content)).toBe('mac-key-unknown');
  });
});
