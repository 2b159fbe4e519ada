import { JOB_BODY_LIMITS, jobBodyViolation } from './request-body-limits';

const ok = { task: 'reasoning', messages: [{ role: 'user', content: 'hi' }] };

describe('jobBodyViolation', () => {
  it('passes an ordinary body', () => {
    expect(jobBodyViolation(ok)).toBeNull();
    expect(jobBodyViolation(undefined)).toBeNull();
  });

  it('counts messages before walking anything', () => {
    const messages = Array.from({ length: JOB_BODY_LIMITS.maxMessages + 1 }, () => ({}));
    expect(jobBodyViolation({ messages })).toEqual({
      status: 413,
      field: 'messages',
      problem: `at most 1000 messages per job (got 1001)`,
    });
  });

  it('names the message whose parts are too many', () => {
    const parts = Array.from({ length: 101 }, () => ({ type: 'text', text: 'x' }));
    const body = { messages: [{ content: 'a' }, { content: parts }] };
    expect(jobBodyViolation(body)).toMatchObject({ status: 413, field: 'messages[1].content' });
  });

  it('finds nesting too deep without recursing, and names where', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const violation = jobBodyViolation({ ...ok, metadata: { a: deep } });
    expect(violation?.status).toBe(400);
    expect(violation?.field).toMatch(/^metadata\.a(\[0\]){62}$/);
  });

  it('refuses reserved keys anywhere, with their path', () => {
    const body = JSON.parse('{"messages":[{"role":"user","content":"x","__proto__":{}}]}');
    expect(jobBodyViolation(body)).toMatchObject({ status: 400, field: 'messages[0].__proto__' });
    expect(jobBodyViolation({ metadata: { constructor: 1 } })).toMatchObject({
      field: 'metadata.constructor',
    });
  });

  it('measures the schema as JSON', () => {
    const schema = { description: 'x'.repeat(JOB_BODY_LIMITS.maxSchemaBytes) };
    expect(
      jobBodyViolation({ ...ok, response_format: { type: 'json_schema', schema } }),
    ).toMatchObject({
      status: 413,
      field: 'response_format.schema',
    });
  });
});
