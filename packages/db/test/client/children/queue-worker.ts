// A worker process for the multi-process tests. Prints one line per event, after its commit.
import { openConnection } from '../../../src/open/open-database.ts';
import { createDipeoClient } from '../../../src/client/dipeo/client.ts';
import { createPokecodeClient } from '../../../src/client/pokecode/client.ts';
import { LeaseLostError } from '../../../src/client/shared/errors.ts';
import { SecretBox } from '../../../src/client/shared/secrets.ts';

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
  else if (mode === 'seal') sealAt(Number(arg));
  else writeForever(mode);
} catch (error) {
  say(
    `error ${(error as { code?: string }).code ?? ''} ${(error as Error).message} ${(error as Error).stack?.split('\n').slice(1, 4).join(' | ')}`,
  );
  process.exit(3);
}
