import { PROJECT_ROLES, type ApiKeyEvent, type ProjectRole } from '@camel/contracts';
import { deciderSpec } from '@camel/kernel/testing';
import { validProjectRole } from '@camel/projects';
import { apiKeyDecider, type ApiKeyState } from './api-key.decider';

const keyId = 'k1';
const projectId = 'p1';
const prefix = 'camel_abcd';
const spec = deciderSpec(apiKeyDecider);
const fold = (events: readonly ApiKeyEvent[]): ApiKeyState => events.reduce(apiKeyDecider.evolve, apiKeyDecider.initialState);

const created: ApiKeyEvent = { type: 'ApiKeyCreated', data: { keyId, projectId, name: 'CI', role: 'engineer', prefix } };
const revoked: ApiKeyEvent = { type: 'ApiKeyRevoked', data: { keyId, projectId } };

const create = (overrides: Record<string, unknown> = {}) =>
  ({ type: 'CreateApiKey', keyId, projectId, name: 'CI', role: 'engineer', prefix, projectStatus: 'active', ...overrides }) as never;

describe('API key decider', () => {
  describe('CreateApiKey', () => {
    it('creates a key with a trimmed name', () => spec.given([]).when(create({ name: '  CI ' })).then([created]));

    describe('expiry (the spec’s now is 2026-01-01T00:00:00Z)', () => {
      it('records an expiry in the future, in canonical form', () =>
        spec
          .given([])
          .when(create({ expiresAt: '2026-02-01T01:00:00+01:00' }))
          .then([{ ...created, data: { ...created.data, expiresAt: '2026-02-01T00:00:00.000Z' } }] as ApiKeyEvent[]));

      it('accepts an expiry one millisecond ahead', () =>
        spec
          .given([])
          .when(create({ expiresAt: '2026-01-01T00:00:00.001Z' }))
          .then([{ ...created, data: { ...created.data, expiresAt: '2026-01-01T00:00:00.001Z' } }] as ApiKeyEvent[]));

      it.each([['2026-01-01T00:00:00Z'], ['2025-06-01T00:00:00Z']])('refuses an expiry that is not in the future (%s)', (expiresAt) =>
        spec.given([]).when(create({ expiresAt })).thenThrows({ kind: 'validation', code: 'api-key.expires-at.past', field: 'expiresAt' }));

      it('refuses an expiry that is no date', () =>
        spec.given([]).when(create({ expiresAt: 'next week' })).thenThrows({ kind: 'validation', code: 'api-key.expires-at.invalid', field: 'expiresAt' }));
    });

    it.each(PROJECT_ROLES.map((role) => [role]))('creates a key holding the %s role', (role) =>
      spec
        .given([])
        .when(create({ role }))
        .then([{ type: 'ApiKeyCreated', data: { keyId, projectId, name: 'CI', role, prefix } }]));

    it.each([['owner'], ['Admin'], [''], [undefined], [null], [1]])('refuses the role %p, naming the field', (role) =>
      spec.given([]).when(create({ role })).thenThrows({ kind: 'validation', code: 'role.invalid', field: 'role' }));

    it.each([
      ['missing', undefined, 'api-key.name.required'],
      ['empty', '', 'api-key.name.required'],
      ['blank', '   ', 'api-key.name.required'],
      ['not a string', 5, 'api-key.name.required'],
      ['101 characters', 'k'.repeat(101), 'api-key.name.too-long'],
    ])('refuses a name that is %s, naming the field', (_label, name, code) =>
      spec.given([]).when(create({ name })).thenThrows({ kind: 'validation', code, field: 'name' }));

    it('accepts a name of exactly 100 characters', () =>
      spec
        .given([])
        .when(create({ name: 'k'.repeat(100) }))
        .then([{ type: 'ApiKeyCreated', data: { keyId, projectId, name: 'k'.repeat(100), role: 'engineer', prefix } }]));

    it('refuses a key for an archived project', () =>
      spec.given([]).when(create({ projectStatus: 'archived' })).thenThrows({ kind: 'conflict', code: 'project.archived' }));

    it('refuses a key for a project that does not exist', () =>
      spec.given([]).when(create({ projectStatus: 'none' })).thenThrows({ kind: 'not-found', code: 'project.not-found' }));

    it('refuses to create the same key twice', () =>
      spec.given([created]).when(create()).thenThrows({ kind: 'conflict', code: 'api-key.exists' }));

    it('refuses to reuse the id of a revoked key', () =>
      spec.given([created, revoked]).when(create()).thenThrows({ kind: 'conflict', code: 'api-key.exists' }));
  });

  describe('RevokeApiKey', () => {
    it('revokes an active key', () => spec.given([created]).when({ type: 'RevokeApiKey', keyId, projectId }).then([revoked]));

    it('answers not-found for a key of another project', () =>
      spec.given([created]).when({ type: 'RevokeApiKey', keyId, projectId: 'p2' }).thenThrows({
        kind: 'not-found',
        code: 'api-key.not-found',
      }));

    it('answers not-found for a revoked key of another project, not revealing its state', () =>
      spec.given([created, revoked]).when({ type: 'RevokeApiKey', keyId, projectId: 'p2' }).thenThrows({
        kind: 'not-found',
        code: 'api-key.not-found',
      }));

    it('answers not-found for a key that does not exist', () =>
      spec.given([]).when({ type: 'RevokeApiKey', keyId, projectId }).thenThrows({ kind: 'not-found', code: 'api-key.not-found' }));

    it('refuses to revoke twice', () =>
      spec.given([created, revoked]).when({ type: 'RevokeApiKey', keyId, projectId }).thenThrows({
        kind: 'conflict',
        code: 'api-key.revoked',
      }));
  });

  describe('evolve', () => {
    it('folds a created key as active in its project', () => expect(fold([created])).toEqual({ status: 'active', id: keyId, projectId }));

    it('folds a revoked key as revoked', () => expect(fold([created, revoked])).toEqual({ status: 'revoked', id: keyId, projectId }));

    it('ignores a revocation before the key exists', () => expect(fold([revoked])).toEqual({ status: 'none' }));
  });

  describe('validProjectRole', () => {
    it.each(PROJECT_ROLES.map((role) => [role]))('accepts %s', (role) => expect(validProjectRole(role)).toBe(role));

    it('names the field it is given', () =>
      expect(() => validProjectRole('owner' as ProjectRole, 'members.role')).toThrow(
        expect.objectContaining({ kind: 'validation', code: 'role.invalid', field: 'members.role' }),
      ));
  });
});
