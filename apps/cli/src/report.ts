import { runReport } from './report-command';

// Entry point of `npm run report`; all logic lives in runReport so it can be tested.
void runReport(process.argv.slice(2), process.env, process.stdout, process.stderr).then((code) => {
  process.exitCode = code;
});
