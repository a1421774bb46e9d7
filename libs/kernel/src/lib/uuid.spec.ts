import { uuidv7 } from './uuid';

describe('uuidv7', () => {
  it('has the version 7 and RFC variant bits', () => {
    for (let i = 0; i < 100; i += 1) {
      expect(uuidv7()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  });

  it('carries the millisecond time in its first 48 bits, so later ids sort after earlier ones', () => {
    const t = Date.UTC(2026, 10, 24, 10, 0, 0, 123);
    const id = uuidv7(t);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(t);
    const ids = [uuidv7(t), uuidv7(t + 1), uuidv7(t + 1000), uuidv7(t + 86_400_000)];
    expect([...ids].sort()).toEqual(ids);
  });

  it('differs between calls in the same millisecond', () => {
    const t = Date.now();
    expect(new Set(Array.from({ length: 1000 }, () => uuidv7(t))).size).toBe(1000);
  });
});
