import { runRoutesCheck } from './routes-check-command';

// Entry point of `npm run routes:check`; all logic lives in runRoutesCheck so it can be tested.
process.exitCode = runRoutesCheck(process.argv.slice(2), process.env, process.stdout);
