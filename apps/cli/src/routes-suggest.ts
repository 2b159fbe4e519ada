import { runRoutesSuggest } from './routes-suggest-command';

// Entry point of `npm run routes:suggest`; all logic lives in runRoutesSuggest so it can be tested.
void runRoutesSuggest(process.argv.slice(2), process.env, process.stdout, process.stderr).then(
  (code) => {
    process.exitCode = code;
  },
);
