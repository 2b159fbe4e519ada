import {
  alertRecordKey,
  alertWebhookId,
  firstDeliveryId,
  jobRecordKey,
  jobWebhookId,
  redeliveryId,
} from './webhook-message';

describe('webhook message ids', () => {
  it('are deterministic per job and event type', () => {
    expect(jobWebhookId('job_01H', 'job.succeeded')).toBe('msg_job_01H_job.succeeded');
    expect(jobWebhookId('job_01H', 'job.failed')).not.toBe(
      jobWebhookId('job_01H', 'job.succeeded'),
    );
    expect(jobRecordKey('job_01H')).toBe('job:job_01H');
  });

  it('hash ids with characters unsafe for headers, stably', () => {
    const id = jobWebhookId('weird id/ü', 'job.failed');
    expect(id).toMatch(/^msg_h[0-9a-f]{32}_job\.failed$/);
    expect(jobWebhookId('weird id/ü', 'job.failed')).toBe(id);
  });

  it('make BullMQ-safe job ids (no ":" and never all digits)', () => {
    const alertId = alertWebhookId('budget.alert', 'budget.alert:summarize:2025-06-01');
    expect(alertId).toContain(':');
    expect(firstDeliveryId({ webhookId: alertId })).not.toContain(':');
    expect(firstDeliveryId({ webhookId: jobWebhookId('12345', 'job.succeeded') })).not.toMatch(
      /^\d+$/,
    );
    expect(redeliveryId({ webhookId: alertId }, 'u1')).toBe(
      `${firstDeliveryId({ webhookId: alertId })}.redeliver.u1`,
    );
    expect(alertRecordKey('regression.detected', 'x')).toBe('alert:regression.detected:x');
  });
});
