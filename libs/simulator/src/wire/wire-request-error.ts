/** A request the real API would reject with 400; the message is written in the API's own words. */
export class WireRequestError extends Error {
  override readonly name = 'WireRequestError';
}
