import { runEval } from './eval-command';

// Entry point of `npm run eval`; all logic lives in runEval so it can be tested.
void runEval(process.argv.slice(2), process.env, process.stdout, process.stderr).then((code) => {
  process.exitCode = code;
});
