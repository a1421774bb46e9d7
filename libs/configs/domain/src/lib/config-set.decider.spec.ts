import type { ConfigEvent, ConfigFiles } from '@camel/contracts';
import { deciderSpec } from '@camel/kernel/testing';
import { configSetDecider } from './config-set.decider';

const spec = deciderSpec(configSetDecider);
const projectId = 'p1';

const AGENTS = `version: 1
providers:
  - id: local
    type: openai
    base_url: http://localhost:8080/v1
agents:
  - name: alice
    role: Assistant
    system_prompt: Help.
    model: { provider: local, name: m }
  - name: bob
    role: User
    system_prompt: Ask.
    model: { provider: local, name: m }
`;
const WORKFLOW = 'version: 1\nname: rp\ntype: role_playing\nassistant: alice\nuser: bob\ntask_prompt: Do it.\nmax_turns: 3\n';
const v1: ConfigFiles = { 'agents.yaml': AGENTS };
const v2: ConfigFiles = { 'agents.yaml': AGENTS, 'workflows/rp.yaml': WORKFLOW };
const saved = (version: number, files: ConfigFiles, message = `v${version}`): ConfigEvent => ({
  type: 'ConfigVersionSaved',
  data: { projectId, version, message, source: 'edit', files },
});

describe('config set decider', () => {
  describe('the project (a fact the handler loads from the projects read model)', () => {
    it('refuses any change in an archived project', () =>
      spec
        .given([saved(1, v1)])
        .when({ type: 'SaveConfigVersion', projectId, projectStatus: 'archived', baseVersion: 1, files: v2, message: 'v2', source: 'import' })
        .thenThrows({ kind: 'conflict', code: 'project.archived' }));

    it('refuses a restore in an archived project', () =>
      spec
        .given([saved(1, v1), saved(2, v2)])
        .when({ type: 'RestoreConfigVersion', projectId, projectStatus: 'archived', version: 1, baseVersion: 2 })
        .thenThrows({ kind: 'conflict', code: 'project.archived' }));

    it('answers 404 for a project that does not exist', () =>
      spec
        .given([])
        .when({ type: 'SaveConfigVersion', projectId, projectStatus: 'none', baseVersion: 0, files: v1, message: 'first', source: 'edit' })
        .thenThrows({ kind: 'not-found', code: 'project.not-found' }));
  });

  describe('SaveConfigVersion', () => {
    it('saves the first version of a valid set', () =>
      spec.given([]).when({ type: 'SaveConfigVersion', projectId, projectStatus: 'active', baseVersion: 0, files: v1, message: ' first ', source: 'edit' }).then([saved(1, v1, 'first')]));

    it('saves every change as the next version, keeping the earlier ones', () =>
      spec.given([saved(1, v1)]).when({ type: 'SaveConfigVersion', projectId, projectStatus: 'active', baseVersion: 1, files: v2, message: 'v2', source: 'edit' }).then([saved(2, v2)]));

    it('refuses saving on top of a stale version (409 with both versions)', () =>
      spec
        .given([saved(1, v1), saved(2, v2)])
        .when({ type: 'SaveConfigVersion', projectId, projectStatus: 'active', baseVersion: 1, files: v1, message: 'late', source: 'edit' })
        .thenThrows({ kind: 'conflict', code: 'config.stale', baseVersion: 1, currentVersion: 2 }));

    it('refuses an invalid set with every problem, and appends nothing', () =>
      spec
        .given([saved(1, v1)])
        .when({
          type: 'SaveConfigVersion',
          projectId,
          projectStatus: 'active',
          baseVersion: 1,
          files: { 'agents.yaml': AGENTS.replace('name: m }', 'name: m, temperature: 9 }'), 'workflows/rp.yaml': WORKFLOW.replace('max_turns: 3', 'max_turns: many') },
          message: 'broken',
          source: 'edit',
        })
        .thenThrows({
          kind: 'validation',
          code: 'config.invalid',
          problems: [
            expect.objectContaining({ file: 'agents.yaml', path: 'agents[0].model.temperature', line: 10 }),
            expect.objectContaining({ file: 'workflows/rp.yaml', path: 'max_turns', line: 7 }),
          ],
        }));

    it('checks references across files (a workflow naming an unknown agent)', () =>
      spec
        .given([saved(1, v1)])
        .when({ type: 'SaveConfigVersion', projectId, projectStatus: 'active', baseVersion: 1, files: { ...v1, 'workflows/rp.yaml': WORKFLOW.replace('user: bob', 'user: carol') }, message: 'x', source: 'edit' })
        .thenThrows({ code: 'config.invalid', problems: [expect.objectContaining({ file: 'workflows/rp.yaml', path: 'user', line: 5, code: 'config.reference' })] }));

    it('refuses a set without agents.yaml, and files outside the layout', () =>
      spec
        .given([])
        .when({ type: 'SaveConfigVersion', projectId, projectStatus: 'active', baseVersion: 0, files: { 'workflows/Bad Name.yaml': WORKFLOW }, message: 'x', source: 'import' })
        .thenThrows({
          code: 'config.invalid',
          problems: [expect.objectContaining({ code: 'config.missing-file' }), expect.objectContaining({ code: 'config.file-name' })],
        }));

    it('requires a message for edits, and bounds it', () => {
      spec.given([]).when({ type: 'SaveConfigVersion', projectId, projectStatus: 'active', baseVersion: 0, files: v1, message: '  ', source: 'edit' }).thenThrows({ field: 'message', code: 'config.message.required' });
      spec.given([]).when({ type: 'SaveConfigVersion', projectId, projectStatus: 'active', baseVersion: 0, files: v1, message: 'm'.repeat(501), source: 'edit' }).thenThrows({ field: 'message', code: 'config.message.too-long' });
    });

    it('saves nothing when the files did not change', () =>
      spec.given([saved(1, v1)]).when({ type: 'SaveConfigVersion', projectId, projectStatus: 'active', baseVersion: 1, files: { ...v1 }, message: 'same', source: 'edit' }).then([]));
  });

  describe('RestoreConfigVersion', () => {
    it('restores an old version as a new one', () =>
      spec.given([saved(1, v1), saved(2, v2)]).when({ type: 'RestoreConfigVersion', projectId, projectStatus: 'active', version: 1, baseVersion: 2 }).then([
        { type: 'ConfigVersionSaved', data: { projectId, version: 3, message: 'restore version 1', source: 'restore', restoredFrom: 1, files: v1 } },
      ]));

    it('refuses unknown and current versions, and stale bases', () => {
      spec.given([saved(1, v1)]).when({ type: 'RestoreConfigVersion', projectId, projectStatus: 'active', version: 7, baseVersion: 1 }).thenThrows({ kind: 'not-found', code: 'config.version.not-found' });
      spec.given([saved(1, v1)]).when({ type: 'RestoreConfigVersion', projectId, projectStatus: 'active', version: 1, baseVersion: 1 }).thenThrows({ kind: 'conflict', code: 'config.version.current' });
      spec.given([saved(1, v1), saved(2, v2)]).when({ type: 'RestoreConfigVersion', projectId, projectStatus: 'active', version: 1, baseVersion: 1 }).thenThrows({ code: 'config.stale' });
    });
  });
});
