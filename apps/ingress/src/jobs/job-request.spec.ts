import type { CreateJobDto } from './dto/create-job.dto';
import { toJobRequest } from './job-request';

describe('toJobRequest', () => {
  const body = {
    messages: [
      { role: 'system', content: 'be brief' },
      { role: 'user', content: 'weather in Oslo? call get_weather' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'call_1', name: 'get_weather', arguments: { city: 'Oslo' } }],
      },
      { role: 'tool', tool_call_id: 'call_1', content: '4 °C' },
    ],
    tools: [{ name: 'get_weather', description: 'weather now', parameters: { type: 'object' } }],
    tool_choice: 'auto',
    response_format: { type: 'json_schema', schema: { type: 'object' } },
    max_tokens: 256,
    temperature: 0.3,
    webhook_url: 'https://hooks.example.com/done',
    metadata: { tier: 'enterprise' },
    budget: { max_cost_usd: 0.1, deadline_ms: 5000 },
  } as unknown as Omit<CreateJobDto, 'task'>;

  it('keeps every field of the body, so a plan explains the request a submission makes', () => {
    expect(toJobRequest(body)).toEqual({
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'weather in Oslo? call get_weather' },
        {
          role: 'assistant',
          content: '',
          tool_calls: [{ id: 'call_1', name: 'get_weather', arguments: { city: 'Oslo' } }],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '4 °C' },
      ],
      tools: [{ name: 'get_weather', description: 'weather now', parameters: { type: 'object' } }],
      tool_choice: 'auto',
      response_format: { type: 'json_schema', schema: { type: 'object' } },
      max_tokens: 256,
      temperature: 0.3,
      webhook_url: 'https://hooks.example.com/done',
      metadata: { tier: 'enterprise' },
      budget: { max_cost_usd: 0.1, deadline_ms: 5000 },
    });
  });

  it('maps a text response format to text and leaves absent fields out of play', () => {
    const request = toJobRequest({
      messages: [{ role: 'user', content: 'hi' }],
      response_format: { type: 'text' },
    } as unknown as Omit<CreateJobDto, 'task'>);
    expect(request.response_format).toEqual({ type: 'text' });
    expect(request.tools).toBeUndefined();
    expect(request.budget).toBeUndefined();
  });
});
