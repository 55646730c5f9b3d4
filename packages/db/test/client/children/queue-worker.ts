// A worker process for the multi-process tests. Prints one line per event, after its commit.
import { openConnection } from '../../../src/open/open-database.ts';
import { createDipeoClient } from '../../../src/client/dipeo/client.ts';
import { createEngineClient } from '../../../src/client/engine/client.ts';
import { createPokecodeClient } from '../../../src/client/pokecode/client.ts';
import { LeaseLostError } from '../../../src/client/shared/errors.ts';
import { SecretBox } from '../../../src/client/shared/secrets.ts';
import type { WorkerEvent } from '../../../src/client/shared/worker.ts';

const [mode, path, name, arg] = process.argv.slice(2) as [string, string, string, string?];
// Writes to a pipe are synchronous on Linux: a printed line is in the pipe before the next write.
const say = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
// The key-file race opens no database: its `path` is the secret key file.
const sqlite = mode === 'seal' ? (undefined as never) : openConnection(path);

/** Seals a value with the key file at `path`, all processes starting at the same instant. */
function sealAt(startAt: number) {
  while (Date.now() < startAt); // spin: a timer would spread the starts out
  say(`sealed ${new SecretBox({ keyFile: path }).seal(name, 'race')}`);
}

async function drain(abandonAfter: number) {
  const client = createPokecodeClient(sqlite);
  const record = sqlite.prepare('INSERT INTO results (job_id, worker) VALUES (?, ?)');
  let done = 0;
  for (;;) {
    const job = client.jobs.claim({ worker: name, leaseMs: 3000 });
    if (!job) {
      const { pending, processing } = client.jobs.counts();
      if (pending + processing === 0) break;
      await sleep(25);
      continue;
    }
    if (abandonAfter > 0 && done === abandonAfter) {
      say(`abandoned ${job.id}`);
      process.exit(0); // crash holding the lease: someone else must recover the job
    }
    // The result and the completion commit together: a UNIQUE job_id proves exactly-once.
    try {
      client.transaction(() => {
        client.jobs.complete(job);
        record.run(job.id, name);
      });
      done++;
    } catch (error) {
      // Fencing: this worker was too slow, the job was recovered and claimed again.
      if (!(error instanceof LeaseLostError)) throw error;
      say(`lost ${job.id}`);
    }
  }
  say(`done ${done}`);
}

/**
 * Drains a queue with startWorker: each handler records its job in `results` (a primary key, so a
 * job handled twice fails its second insert), and the worker stops once nothing is left.
 */
async function work(queue: string, concurrency: number) {
  const record = sqlite.prepare('INSERT INTO results (job_id, worker) VALUES (?, ?)');
  let handled = 0;
  const handle = (job: { id: string }) => {
    record.run(job.id, name);
    handled++;
  };
  const options = {
    concurrency,
    name,
    pollMs: 50,
    onEvent: (event: WorkerEvent<{ id: string }>) => {
      if (event.type === 'error' || event.type === 'fail') say(`error ${String(event.error)}`);
    },
  };
  const worker =
    queue === 'engine'
      ? createEngineClient(sqlite).workers.startWorker(handle, options)
      : createPokecodeClient(sqlite).jobs.startWorker(handle, options);
  const left = sqlite.prepare(
    queue === 'engine'
      ? "SELECT count(*) FROM workers WHERE status IN ('pending', 'running')"
      : "SELECT count(*) FROM job_queue WHERE status IN ('pending', 'processing')",
  );
  left.pluck();
  while ((left.get() as number) > 0) await sleep(50);
  await worker.stop();
  say(`done ${handled}`);
}

/**
 * Runs pokecode jobs that stop on SIGTERM: a `quick` job takes 100 ms, a `hang` job runs until
 * its signal aborts. Prints each job as it starts and how each handler ended.
 */
function holdUntilTerminated(graceMs: number) {
  const client = createPokecodeClient(sqlite);
  client.jobs.startWorker(
    async (job, { signal }) => {
      say(`started ${job.id} ${job.promptId}`);
      if (job.promptId.startsWith('quick')) {
        await sleep(100);
        say(`finished ${job.id}`);
        return;
      }
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      say(`aborted ${job.id} ${(signal.reason as Error).name}`);
    },
    { concurrency: 4, name, pollMs: 50, graceMs, stopOn: ['SIGTERM'], onEvent: () => {} },
  );
}

function writeForever(workload: string) {
  let i = 0;
  if (workload === 'messages') {
    const client = createPokecodeClient(sqlite);
    const sessionId = arg!;
    for (;;) {
      const m = client.saveMessage({
        sessionId,
        provider: 'claude-code',
        type: 'assistant',
        contentData: `{"n":${i++}}`,
        tokenCount: 3,
      });
      say(`ack ${m.id}`);
    }
  }
  if (workload === 'transitions') {
    const client = createDipeoClient(sqlite);
    for (;;) {
      const t = client.appendTransition({
        executionId: 'exec',
        phase: 'node_output',
        payload: { data: { i: i++ } },
      });
      say(`ack ${t.seq}`);
    }
  }
  const client = createPokecodeClient(sqlite);
  for (;;) {
    const job = client.jobs.enqueue({
      sessionId: arg!,
      promptId: `p${i++}`,
      provider: 'claude-code',
      data: { prompt: 'x', projectPath: '/p' },
    });
    say(`ack enqueue ${job.id}`);
    const claimed = client.jobs.claim({ worker: name, leaseMs: 600_000 })!;
    say(`ack claim ${claimed.id}`);
    client.jobs.complete(claimed);
    say(`ack complete ${claimed.id}`);
  }
}

try {
  say('ready');
  if (mode === 'drain') await drain(Number(arg ?? 0));
  else if (mode === 'work-pokecode' || mode === 'work-engine') {
    await work(mode.slice('work-'.length), Number(arg ?? 1));
  } else if (mode === 'hold') holdUntilTerminated(Number(arg ?? 0));
  else if (mode === 'seal') sealAt(Number(arg));
  else writeForever(mode);
} catch (error) {
  say(
    `error ${(error as { code?: string }).code ?? ''} ${(error as Error).message} ${(error as Error).stack?.split('\n').slice(1, 4).join(' | ')}`,
  );
  process.exit(3);
}
