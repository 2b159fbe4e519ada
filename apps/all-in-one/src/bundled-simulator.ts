import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import type { SwitchyardConfig } from '@switchyard/config';
import { SIMULATOR_ANSWERS_FILE } from '@switchyard/evals';
import { resolveProviderConnection } from '@switchyard/providers';
import { loadRoutingTable } from '@switchyard/routing';
import {
  loadScenarioFile,
  startSimulator,
  type RunningSimulator,
  type ScenarioFile,
} from '@switchyard/simulator';

/**
 * The evaluation datasets' scripted answers (`<SWITCHYARD_EVALS_DIR>/simulator-answers.yaml`), so
 * `npm run eval` against `npm start` scores the candidates differently out of the box. Only
 * prompts carrying a dataset example's marker are scripted; the rest are answered as always.
 */
async function evalAnswers(
  config: SwitchyardConfig,
): Promise<{ path?: string; scenario: ScenarioFile }> {
  const path = join(config.evalsDir, SIMULATOR_ANSWERS_FILE);
  if (!existsSync(path)) return { scenario: {} };
  return { path, scenario: await loadScenarioFile(path) };
}

/**
 * With no provider keys set, the laptop stack still works end to end: providers without a key are
 * pointed at the simulator, and the all-in-one starts it in-process unless one already runs there.
 */
export async function startBundledSimulatorIfNeeded(
  config: SwitchyardConfig,
): Promise<RunningSimulator | undefined> {
  const { table } = loadRoutingTable(config.routesPath, config.environment);
  const simulated = Object.values(table.providers)
    .filter((p) => resolveProviderConnection(p, config.environment, config.simulatorUrl).simulated)
    .map((p) => p.name);
  if (simulated.length === 0) return undefined;
  const target = new URL(config.simulatorUrl);
  const local = ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(target.hostname);
  const logger = new Logger('Simulator');
  if (!local) {
    logger.log(
      `no key for ${simulated.join(', ')}: using the provider simulator at ${config.simulatorUrl}`,
    );
    return undefined;
  }
  const answers = await evalAnswers(config);
  try {
    const sim = await startSimulator({
      port: Number(target.port || 80),
      host: target.hostname.replace(/^\[|\]$/g, ''),
      scenario: answers.scenario,
    });
    logger.warn(
      `no API key for ${simulated.join(', ')}: those providers answer from the bundled provider simulator at ${sim.url} ` +
        `(set the keys named by api_key_env in ${config.routesPath} to call the real APIs)`,
    );
    if (answers.path) {
      logger.log(`the simulator answers the evaluation datasets from ${answers.path}`);
    }
    return sim;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      logger.log(
        `a provider simulator already listens at ${config.simulatorUrl}; using it for ${simulated.join(', ')}`,
      );
      return undefined;
    }
    throw err;
  }
}
