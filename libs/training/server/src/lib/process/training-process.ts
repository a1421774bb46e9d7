import { readFileSync } from 'node:fs';
import { runTrainingJob, type TrainingJobSpec, type TrainingMessage } from './training-job';

/**
 * The training process: forked by the training job's processor (one per running job), it trains and
 * reports over IPC; the processor appends the events. It exits when its parent goes away (a killed
 * worker takes its training with it; the job resumes elsewhere from the last checkpoint).
 * argv[2]: the job's JSON file (TrainingJobSpec). Exit 0 done, 3 a recorded failure, 1 a crash.
 */
function send(message: TrainingMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send || !process.connected) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}

async function main(): Promise<number> {
  process.on('disconnect', () => process.exit(1));
  const spec = JSON.parse(readFileSync(process.argv[2], 'utf8')) as TrainingJobSpec;
  const pending: Promise<void>[] = [];
  const ok = await runTrainingJob(spec, (message) => void pending.push(send(message)));
  await Promise.all(pending);
  return ok ? 0 : 3;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.stack : error);
    process.exit(1);
  },
);
