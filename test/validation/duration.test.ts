import { MAX_DURATION, duration, durationMs } from '../../src/validation/duration';

describe('Prometheus durations', () => {
  test('the grammar: units largest first, each once', () => {
    expect(durationMs('1h30m')).toBe(5_400_000);
    expect(duration('1h30m')).toBeUndefined();
    expect(duration('30m1h')).toMatch(/must be a Prometheus duration/);
    expect(duration('0s')).toBe('must be a positive duration');
  });

  test("the range of Go's time.Duration, where Prometheus parses them: the longest is accepted, one millisecond more is not", () => {
    expect(MAX_DURATION).toBe('292y24w3d23h47m16s854ms');
    expect(duration(MAX_DURATION)).toBeUndefined();
    expect(duration('292y24w3d23h47m16s855ms')).toMatch(/^must be at most 292y24w3d23h47m16s854ms: Prometheus holds a duration as int64 nanoseconds/);
    expect(duration('300y')).toMatch(/must be at most/);
    expect(duration('106751d23h47m16s854ms')).toBeUndefined();
    expect(duration('106751d23h47m16s855ms')).toMatch(/must be at most/);
  });
});
