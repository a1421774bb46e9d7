import type { ProjectEvent } from '@camel/contracts';
import { deciderSpec } from '@camel/kernel/testing';
import { projectDecider, projectNameKey } from './project.decider';

const id = 'p1';
const spec = deciderSpec(projectDecider);
const created: ProjectEvent = { type: 'ProjectCreated', data: { projectId: id, name: 'Alpha', description: '' } };
const archived: ProjectEvent = { type: 'ProjectArchived', data: { projectId: id } };

describe('project decider', () => {
  describe('CreateProject', () => {
    it('creates a project with a trimmed name and description', () =>
      spec
        .given([])
        .when({ type: 'CreateProject', projectId: id, name: '  Alpha ', description: ' first ' })
        .then([{ type: 'ProjectCreated', data: { projectId: id, name: 'Alpha', description: 'first' } }]));

    it('refuses a second creation of the same project', () =>
      spec.given([created]).when({ type: 'CreateProject', projectId: id, name: 'Again' }).thenThrows({
        kind: 'conflict',
        code: 'project.exists',
      }));

    it.each([
      ['missing', undefined, 'project.name.required'],
      ['blank', '   ', 'project.name.required'],
      ['800 characters', 'x'.repeat(800), 'project.name.too-long'],
      ['a control character', 'a\u0007b', 'project.name.invalid'],
      ['not a string', 42, 'project.name.required'],
    ])('refuses a name that is %s, naming the field', (_label, name, code) =>
      spec
        .given([])
        .when({ type: 'CreateProject', projectId: id, name: name as string })
        .thenThrows({ kind: 'validation', code, field: 'name' }));

    it('refuses a description over the limit', () =>
      spec
        .given([])
        .when({ type: 'CreateProject', projectId: id, name: 'A', description: 'd'.repeat(2001) })
        .thenThrows({ kind: 'validation', field: 'description', code: 'project.description.too-long' }));

    it('refuses the name of another active project, naming the field', () =>
      spec
        .given([])
        .when({ type: 'CreateProject', projectId: id, name: 'Support triage', nameTakenBy: 'p2' })
        .thenThrows({ kind: 'conflict', code: 'project.name.taken', field: 'name' }));

    it('compares names as a person reads them: trimmed, case-insensitive, normalised', () => {
      expect(projectNameKey('  Support Triage ')).toBe(projectNameKey('support triage'));
      expect(projectNameKey('Cafe\u0301')).toBe(projectNameKey('Café'));
      expect(projectNameKey('Support triage 2')).not.toBe(projectNameKey('Support triage'));
    });

    it('accepts a name of exactly 100 characters', () =>
      spec
        .given([])
        .when({ type: 'CreateProject', projectId: id, name: 'n'.repeat(100) })
        .then([{ type: 'ProjectCreated', data: { projectId: id, name: 'n'.repeat(100), description: '' } }]));
  });

  describe('RenameProject', () => {
    it('renames, recording the previous name', () =>
      spec
        .given([created])
        .when({ type: 'RenameProject', projectId: id, name: 'Beta' })
        .then([{ type: 'ProjectRenamed', data: { projectId: id, name: 'Beta', previousName: 'Alpha' } }]));

    it('refuses the name of another active project; its own name (another case) is fine', () => {
      spec.given([created]).when({ type: 'RenameProject', projectId: id, name: 'Beta', nameTakenBy: 'p2' }).thenThrows({ kind: 'conflict', code: 'project.name.taken', field: 'name' });
      spec
        .given([created])
        .when({ type: 'RenameProject', projectId: id, name: 'ALPHA', nameTakenBy: id })
        .then([{ type: 'ProjectRenamed', data: { projectId: id, name: 'ALPHA', previousName: 'Alpha' } }]);
    });

    it('decides nothing when the name does not change', () =>
      spec.given([created]).when({ type: 'RenameProject', projectId: id, name: ' Alpha ' }).then([]));

    it('uses the latest name as the previous one', () =>
      spec
        .given([created, { type: 'ProjectRenamed', data: { projectId: id, name: 'Beta', previousName: 'Alpha' } }])
        .when({ type: 'RenameProject', projectId: id, name: 'Gamma' })
        .then([{ type: 'ProjectRenamed', data: { projectId: id, name: 'Gamma', previousName: 'Beta' } }]));

    it('refuses to rename an archived project', () =>
      spec.given([created, archived]).when({ type: 'RenameProject', projectId: id, name: 'Beta' }).thenThrows({
        kind: 'conflict',
        code: 'project.archived',
      }));

    it('refuses to rename a project that does not exist', () =>
      spec.given([]).when({ type: 'RenameProject', projectId: id, name: 'Beta' }).thenThrows({
        kind: 'not-found',
      }));

    it('validates the new name', () =>
      spec.given([created]).when({ type: 'RenameProject', projectId: id, name: '' }).thenThrows({
        kind: 'validation',
        field: 'name',
      }));
  });

  describe('ArchiveProject', () => {
    it('archives an active project', () =>
      spec.given([created]).when({ type: 'ArchiveProject', projectId: id }).then([archived]));

    it('refuses to archive twice', () =>
      spec.given([created, archived]).when({ type: 'ArchiveProject', projectId: id }).thenThrows({
        kind: 'conflict',
        code: 'project.archived',
      }));

    it('refuses to archive a project that does not exist', () =>
      spec.given([]).when({ type: 'ArchiveProject', projectId: id }).thenThrows({ kind: 'not-found' }));
  });
});
