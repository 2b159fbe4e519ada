import type { JobRequest } from '@switchyard/jobs';
import type { ChatMessage, ToolDefinition } from '@switchyard/providers';
import type { CreateJobDto, MessageDto } from './dto/create-job.dto';

export function toChatMessages(messages: readonly MessageDto[]): ChatMessage[] {
  return messages.map((m) => {
    const message: ChatMessage = { role: m.role, content: m.content ?? '' };
    if (m.tool_calls)
      message.tool_calls = m.tool_calls.map((c) => ({
        id: c.id,
        name: c.name,
        arguments: c.arguments,
      }));
    if (m.tool_call_id !== undefined) message.tool_call_id = m.tool_call_id;
    return message;
  });
}

export function toToolDefinitions(dto: Pick<CreateJobDto, 'tools'>): ToolDefinition[] | undefined {
  return dto.tools?.map((t) => ({
    name: t.name,
    ...(t.description !== undefined && { description: t.description }),
    parameters: t.parameters,
  }));
}

/**
 * The one mapping from a job body to the request the planner, the store and the workers see; the
 * plan endpoint uses it too, so a plan explains exactly the request a submission would make.
 */
export function toJobRequest(dto: Omit<CreateJobDto, 'task'>): JobRequest {
  return {
    messages: toChatMessages(dto.messages),
    tools: toToolDefinitions(dto),
    tool_choice: dto.tool_choice,
    response_format:
      dto.response_format?.type === 'json_schema'
        ? { type: 'json_schema', schema: dto.response_format.schema ?? {} }
        : dto.response_format
          ? { type: 'text' }
          : undefined,
    max_tokens: dto.max_tokens,
    temperature: dto.temperature,
    webhook_url: dto.webhook_url,
    metadata: dto.metadata,
    budget: dto.budget
      ? { max_cost_usd: dto.budget.max_cost_usd, deadline_ms: dto.budget.deadline_ms }
      : undefined,
  };
}
