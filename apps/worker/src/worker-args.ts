/** `--provider openai` (repeatable, or comma-separated), else config.workerProviders (SWITCHYARD_PROVIDER). */
export function providersFromArgs(argv: string[], fallback: readonly string[]): string[] {
  const names: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--provider' && argv[i + 1]) names.push(...argv[++i].split(','));
    else if (arg.startsWith('--provider='))
      names.push(...arg.slice('--provider='.length).split(','));
  }
  if (names.length === 0) names.push(...fallback);
  return [...new Set(names.map((n) => n.trim()).filter(Boolean))];
}
