import type { Engine } from '@camel/event-store/testing';
import type { TestApi } from '../testing/api-harness';

/**
 * The api reads its configuration when its module loads, so a file that starts several apps with
 * different environments (engines, keys) gives each start a fresh module registry.
 */
export async function startFreshApi(engine: Engine): Promise<TestApi> {
  let started: Promise<TestApi> | undefined;
  await jest.isolateModulesAsync(async () => {
    const { startTestApi } = await import('../testing/api-harness');
    started = startTestApi(engine);
    await started.catch(() => undefined);
  });
  return started as Promise<TestApi>;
}
