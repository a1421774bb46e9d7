import { nextStep, type HomeFacts } from './next-step';

const project = { id: 'p1', name: 'Support triage' };
const engineer = { configVersion: 0, runs: 0, canWriteConfig: true, canStartRun: true, canAnnotate: true };

describe('the home page’s next step', () => {
  it.each<[string, HomeFacts, string]>([
    ['an owner without projects creates one', { canCreateProject: true, projects: [] }, 'create-project'],
    ['someone in no project asks for one', { canCreateProject: false, projects: [] }, 'ask-for-project'],
    ['a project without configs: write them', { canCreateProject: true, projects: [project], first: engineer }, 'write-configs'],
    ['configs but no run yet: start one', { canCreateProject: true, projects: [project], first: { ...engineer, configVersion: 2 } }, 'start-run'],
    ['runs exist: follow them', { canCreateProject: true, projects: [project], first: { ...engineer, configVersion: 2, runs: 3 } }, 'follow-runs'],
    ['an annotator goes to annotation', { canCreateProject: false, projects: [project], first: { ...engineer, canWriteConfig: false, canStartRun: false } }, 'annotate'],
    ['a viewer follows the runs', { canCreateProject: false, projects: [project], first: { ...engineer, canWriteConfig: false, canStartRun: false, canAnnotate: false } }, 'follow-runs'],
  ])('%s', (_label, facts, kind) => {
    expect(nextStep(facts).kind).toBe(kind);
  });

  it('names the project it points into', () => {
    expect(nextStep({ canCreateProject: true, projects: [project], first: engineer })).toEqual({ kind: 'write-configs', projectId: 'p1', projectName: 'Support triage' });
  });
});
