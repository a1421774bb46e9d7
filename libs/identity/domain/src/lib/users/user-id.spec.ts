import { userIdForEmail } from './user-id';

// RFC 9562 text form of a version-5 UUID: version nibble 5, variant bits 10xx (8, 9, a or b).
const UUID_V5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('userIdForEmail', () => {
  it.each(['ada@example.com', 'grace.hopper+navy@sub.example.org', 'x@y.z'])('gives a UUIDv5 for %s', (email) => {
    expect(userIdForEmail(email)).toMatch(UUID_V5);
  });

  it('is stable: the same email always gives the same id', () => {
    expect(userIdForEmail('ada@example.com')).toBe(userIdForEmail('ada@example.com'));
  });

  // User ids are stream ids: they must never change between releases. Reference values from an
  // independent UUIDv5 implementation (Python's uuid.uuid5) over the namespace 6f0a3c52-d1a4-4e2b-9f3e-5b7c1d2a8e90.
  it.each([
    ['ada@example.com', 'c4df2bca-2f02-5e6e-9c29-5a3278343050'],
    ['grace@example.com', '46d80678-7a1b-555f-8ed4-f8556c1b664a'],
  ])('derives %s to the RFC 9562 UUIDv5 %s', (email, expected) => {
    expect(userIdForEmail(email)).toBe(expected);
  });

  it('ignores case and surrounding whitespace', () => {
    const id = userIdForEmail('ada@example.com');
    expect(userIdForEmail('Ada@Example.COM')).toBe(id);
    expect(userIdForEmail('  ADA@EXAMPLE.COM\t')).toBe(id);
  });

  it('gives different emails different ids', () => {
    expect(userIdForEmail('ada@example.com')).not.toBe(userIdForEmail('grace@example.com'));
    expect(userIdForEmail('ada@example.com')).not.toBe(userIdForEmail('ada@example.org'));
  });

  it.each([
    ['empty', '', 'user.email.required'],
    ['not an address', 'ada', 'user.email.invalid'],
    ['too long', `${'a'.repeat(243)}@example.com`, 'user.email.too-long'],
  ])('refuses an email that is %s, as the decider does', (_label, email, code) => {
    expect(() => userIdForEmail(email)).toThrow(expect.objectContaining({ kind: 'validation', code, field: 'email' }));
  });
});
