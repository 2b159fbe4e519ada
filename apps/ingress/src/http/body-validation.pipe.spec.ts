import { ApiError } from './api-error';
import { BodyValidationPipe } from './body-validation.pipe';
import { CreateJobDto } from '../jobs/dto/create-job.dto';

describe('BodyValidationPipe', () => {
  const pipe = new BodyValidationPipe();

  it('hands on a valid body as it came, and refuses an invalid one with its details', () => {
    const body = { task: 't', messages: [{ role: 'user', content: 'hi' }] };
    expect(pipe.transform(body, { type: 'body', metatype: CreateJobDto })).toBe(body);
    let refusal: unknown;
    try {
      pipe.transform({ task: 't' }, { type: 'body', metatype: CreateJobDto });
    } catch (err) {
      refusal = err;
    }
    expect(refusal).toBeInstanceOf(ApiError);
    expect((refusal as ApiError).getStatus()).toBe(400);
    expect((refusal as ApiError).getResponse()).toEqual({
      error: {
        type: 'invalid_request',
        message: 'messages: is required',
        details: [{ field: 'messages', problem: 'is required' }],
      },
    });
  });

  it('leaves untyped bodies, queries and params alone', () => {
    expect(pipe.transform([1], { type: 'body', metatype: Object })).toEqual([1]);
    expect(pipe.transform('5', { type: 'query', metatype: String, data: 'limit' })).toBe('5');
  });

  it('refuses a body class without a shape instead of letting it through unvalidated', () => {
    class Unshaped {}
    expect(() => pipe.transform({}, { type: 'body', metatype: Unshaped })).toThrow(
      'no body shape for Unshaped',
    );
  });
});
