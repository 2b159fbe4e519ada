export * from './eval.types';
export {
  EvalDatasetError,
  SIMULATOR_ANSWERS_FILE,
  datasetPath,
  loadDataset,
  parseDataset,
} from './dataset-loader';
export {
  jsonEqual,
  parseJsonPath,
  readJsonPath,
  type JsonPathLookup,
  type JsonPathParse,
  type JsonPathSegment,
} from './json-path';
export { CONTENT_FILTERED_ERROR, isRefusal } from './refusal';
export {
  judgeMessages,
  parseJudgeScore,
  type JudgeAnswer,
  type JudgeFn,
  type JudgeRequest,
} from './judge-score';
export {
  EXAMPLE_PASS_SCORE,
  answerJson,
  expectsJson,
  scoreExample,
  type ScoreContext,
} from './score-example';
export {
  compareByScore,
  pickBest,
  summarizeCandidate,
  type BestCandidates,
} from './summarize-candidate';
export {
  MARKDOWN_MAX_FAILED_ROWS,
  bestLines,
  renderEvalMarkdown,
  renderEvalTable,
  type EvalExampleRow,
  type EvalRunReport,
} from './render-report';
export { renderSuggestion, suggestOrdering, type SuggestedOrdering } from './suggest-ordering';
export {
  findEvalRegressions,
  type EvalRegression,
  type RegressionReason,
  type RegressionThresholds,
} from './eval-regressions';
