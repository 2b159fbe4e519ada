import { runRoutesCheck } from './routes-check-command';
import { runRoutesCheckEval } from './routes-check-eval';

// Entry point of `npm run routes:check`; all logic lives in the commands so they can be tested.
const argv = process.argv.slice(2);
if (argv.includes('--eval')) {
  void runRoutesCheckEval(argv, process.env, process.stdout, process.stderr).then((code) => {
    process.exitCode = code;
  });
} else {
  process.exitCode = runRoutesCheck(argv, process.env, process.stdout);
}
