import {
  DestinationSlots,
  destinationPostponeMs,
  webhookDestinationKey,
} from './destination-slots';

describe('webhookDestinationKey', () => {
  it('is the host and port, case-insensitive, ignoring path and query', () => {
    expect(webhookDestinationKey('https://Hooks.Example.com/a?x=1')).toBe('hooks.example.com');
    expect(webhookDestinationKey('http://127.0.0.1:8080/b')).toBe('127.0.0.1:8080');
    expect(webhookDestinationKey('http://127.0.0.1:8081/b')).not.toBe(
      webhookDestinationKey('http://127.0.0.1:8080/b'),
    );
  });
});

describe('DestinationSlots', () => {
  it('caps each destination on its own and frees a slot on release', () => {
    const slots = new DestinationSlots(2);
    expect(slots.tryAcquire('a')).toBe(true);
    expect(slots.tryAcquire('a')).toBe(true);
    expect(slots.tryAcquire('a')).toBe(false);
    expect(slots.tryAcquire('b')).toBe(true);
    slots.release('a');
    expect(slots.count('a')).toBe(1);
    expect(slots.tryAcquire('a')).toBe(true);
  });
});

describe('destinationPostponeMs', () => {
  it('is between half a second and a second', () => {
    expect(destinationPostponeMs(() => 0)).toBe(500);
    expect(destinationPostponeMs(() => 0.999)).toBe(999);
  });
});
