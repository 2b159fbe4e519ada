import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@switchyard/config';
import type { RunningSimulator } from '@switchyard/simulator';
import { freePort } from '@switchyard/testing';
import { startBundledSimulatorIfNeeded } from './bundled-simulator';

const REPO = join(__dirname, '..', '..', '..');

async function ask(sim: RunningSimulator, model: string, text: string): Promise<string> {
  const res = await fetch(`${sim.providerUrl('openai')}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sim-key' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: text }] }),
  });
  const body = (await res.json()) as { choices: { message: { content: string } }[] };
  return body.choices[0].message.content;
}

describe('the all-in-one’s bundled simulator', () => {
  const started: RunningSimulator[] = [];
  let emptyDir: string;
  beforeAll(async () => {
    emptyDir = await mkdtemp(join(tmpdir(), 'no-evals-'));
  });
  afterAll(async () => {
    await Promise.all(started.map((s) => s.close()));
    await rm(emptyDir, { recursive: true, force: true });
  });

  async function start(evalsDir: string): Promise<RunningSimulator> {
    const env = {
      SWITCHYARD_ROUTES: join(REPO, 'routes.yaml'),
      SWITCHYARD_SIMULATOR_URL: `http://127.0.0.1:${await freePort()}`,
      SWITCHYARD_EVALS_DIR: evalsDir,
    };
    const sim = await startBundledSimulatorIfNeeded(loadConfig(env));
    expect(sim).toBeDefined();
    started.push(sim!);
    return sim!;
  }

  it('answers the shipped evaluation datasets from <SWITCHYARD_EVALS_DIR>/simulator-answers.yaml', async () => {
    const sim = await start(join(REPO, 'evals'));
    const question = 'What is the sum of all integers from 1 to 100?';
    expect(await ask(sim, 'gpt-4.1', question)).toMatch(/Answer: 5050$/);
    // Other prompts are answered as always.
    expect(await ask(sim, 'gpt-4.1', 'hello')).toBe('echo: hello');
  });

  it('starts without scripted answers when the evals directory has none', async () => {
    const sim = await start(emptyDir);
    expect(await ask(sim, 'gpt-4.1', 'What is the sum of all integers from 1 to 100?')).toBe(
      'echo: What is the sum of all integers from 1 to 100?',
    );
  });
});
