import type { RoutingTable, TaskConfig } from '@switchyard/routing';
import { ApiError } from '../http/api-error';

/** The table's task of this name, or the 422 `unknown_task` that lists the tasks there are. */
export function requireTask(table: Pick<RoutingTable, 'tasks'>, name: string): TaskConfig {
  const task = Object.hasOwn(table.tasks, name) ? table.tasks[name] : undefined;
  if (task) return task;
  const known = Object.keys(table.tasks).sort();
  throw new ApiError(
    422,
    'unknown_task',
    `unknown task "${name}"; known tasks: ${known.join(', ')}`,
    [{ field: 'task', problem: `unknown task "${name}"` }],
    { known_tasks: known },
  );
}
