import { loadScenarioFile, startSimulator, type ScenarioFile } from '@switchyard/simulator';

interface CliOptions {
  port: number;
  host: string;
  scenarioPath?: string;
}

function argValue(argv: string[], name: string): string | undefined {
  const i = argv.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (i < 0) return undefined;
  const arg = argv[i];
  return arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[i + 1];
}

function readOptions(argv: string[], env: NodeJS.ProcessEnv): CliOptions {
  const rawPort = argValue(argv, '--port') ?? env.SIM_PORT ?? '4010';
  const port = Number(rawPort);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`invalid port "${rawPort}"`);
  return {
    port,
    host: argValue(argv, '--host') ?? env.SIM_HOST ?? '127.0.0.1',
    scenarioPath: argValue(argv, '--scenario') ?? (env.SIM_SCENARIO || undefined),
  };
}

async function main(): Promise<void> {
  const options = readOptions(process.argv.slice(2), process.env);
  const scenario: ScenarioFile = options.scenarioPath
    ? await loadScenarioFile(options.scenarioPath)
    : {};
  const simulator = await startSimulator({ port: options.port, host: options.host, scenario });
  const boundTo = options.host === '127.0.0.1' ? '' : ` (bound to ${options.host})`;
  const withScenario = options.scenarioPath ? ` with scenario ${options.scenarioPath}` : '';
  console.log(`provider-sim ready at ${simulator.url}${boundTo}${withScenario}`);

  let closing = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    simulator.close().then(
      () => {
        console.log(`provider-sim stopped (${signal})`);
        process.exit(0);
      },
      (err: unknown) => {
        console.error(`provider-sim failed to close: ${(err as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((err: unknown) => {
  console.error(`provider-sim: ${(err as Error).message}`);
  process.exit(1);
});
