import type { TaskConfig } from '@switchyard/routing';
import { ApiError } from '../http/api-error';
import { requireTask } from './require-task';

const chat = { name: 'chat' } as TaskConfig;
const table = { tasks: { chat, extraction: { name: 'extraction' } as TaskConfig } };

describe('requireTask', () => {
  it("returns the table's task of that name", () => {
    expect(requireTask(table, 'chat')).toBe(chat);
  });

  it('refuses an unknown task with 422 unknown_task, naming the field and the known tasks', () => {
    const error = catchError(() => requireTask(table, 'poetry'));
    expect(error.getStatus()).toBe(422);
    expect(error.getResponse()).toEqual({
      error: {
        type: 'unknown_task',
        message: 'unknown task "poetry"; known tasks: chat, extraction',
        details: [{ field: 'task', problem: 'unknown task "poetry"' }],
        known_tasks: ['chat', 'extraction'],
      },
    });
  });

  it("does not take an object's inherited members for tasks", () => {
    expect(catchError(() => requireTask(table, 'toString')).type).toBe('unknown_task');
  });
});

function catchError(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected an ApiError');
}
