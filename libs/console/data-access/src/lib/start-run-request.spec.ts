import { buildStartRunRequest } from './start-run-request';

describe('buildStartRunRequest', () => {
  const base = { workflow: 'stock_trading_bot', task: 'Develop a trading bot.', configuredTask: 'Develop a trading bot.' };

  it('records no overrides when nothing was changed', () => {
    expect(buildStartRunRequest(base)).toEqual({ workflow: 'stock_trading_bot' });
    expect(buildStartRunRequest({ ...base, task: '  Develop a trading bot. ', maxTurns: null, agents: { a: { model: ' ' } }, critic: {} })).toEqual({
      workflow: 'stock_trading_bot',
    });
  });

  it('sends an edited task, the limits and the pinned version', () => {
    expect(buildStartRunRequest({ ...base, task: ' Build a momentum bot. ', configVersion: 4, maxTurns: 3, maxIterations: 2, maxTotalTokens: 5000 })).toEqual({
      workflow: 'stock_trading_bot',
      configVersion: 4,
      overrides: { task: 'Build a momentum bot.', maxTurns: 3, maxIterations: 2, maxTotalTokens: 5000 },
    });
  });

  it('per agent: model and temperature, or a person in the seat with a timeout (then no model)', () => {
    expect(
      buildStartRunRequest({
        ...base,
        agents: {
          python_programmer: { model: 'qwen2.5', temperature: 0 },
          stock_trader: { human: true, model: 'ignored', temperature: 1, inputTimeoutSeconds: 300 },
          reviewer: { temperature: null },
        },
      }).overrides,
    ).toEqual({
      agents: { python_programmer: { model: 'qwen2.5', parameters: { temperature: 0 } }, stock_trader: { kind: 'human', inputTimeoutSeconds: 300 } },
    });
  });

  it('critic: candidates, and a person as the critic with a timeout', () => {
    expect(buildStartRunRequest({ ...base, critic: { candidates: 4 } }).overrides).toEqual({ critic: { candidates: 4 } });
    expect(buildStartRunRequest({ ...base, critic: { human: true, candidates: 2, inputTimeoutSeconds: 60 } }).overrides).toEqual({
      critic: { kind: 'human', candidates: 2, inputTimeoutSeconds: 60 },
    });
    expect(buildStartRunRequest({ ...base, critic: { inputTimeoutSeconds: 60 } }).overrides).toBeUndefined();
  });
});
