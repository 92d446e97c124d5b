import * as checks from '../../src/validation/checks';

describe('checks', () => {
  test.each(['robustmq', 'a', 'a-1', 'x'.repeat(63)])('dnsLabel allows %s', (v) => expect(checks.dnsLabel(v)).toBeUndefined());
  test.each(['', 'Bad', 'a_b', '-a', 'a-', 'x'.repeat(64), 'a.b'])('dnsLabel refuses %j', (v) => expect(checks.dnsLabel(v)).toMatch(/DNS-1123 label/));
  test.each(['cluster.local', 'fast-ssd', 'a.b.c'])('dnsSubdomain allows %s', (v) => expect(checks.dnsSubdomain(v)).toBeUndefined());
  test.each(['', 'A.b', 'a..b', '.a'])('dnsSubdomain refuses %j', (v) => expect(checks.dnsSubdomain(v)).toMatch(/DNS-1123 subdomain/));
  test.each(['', 'v1.2', 'a_b-c.d'])('labelValue allows %j', (v) => expect(checks.labelValue(v)).toBeUndefined());
  test.each(['-a', 'a b', 'x'.repeat(64)])('labelValue refuses %j', (v) => expect(checks.labelValue(v)).toMatch(/label value/));
  test.each(['app', 'app.kubernetes.io/name', 'example.com/x_y'])('labelKey allows %s', (v) => expect(checks.labelKey(v)).toBeUndefined());
  test.each(['', '/x', 'Bad_Prefix/x', 'a/b/c', 'x/'])('labelKey refuses %j', (v) => expect(checks.labelKey(v)).toMatch(/label key/));
  test.each(['0.4.11', '1.0.0-rc.1', '10.20.30'])('version allows %s', (v) => expect(checks.version(v)).toBeUndefined());
  test.each(['v0.4.11', '0.4', 'latest', '01.2.3'])('version refuses %s', (v) => expect(checks.version(v)).toMatch(/release version/));
  test.each([
    'ghcr.io/robustmq/robustmq:v0.4.11', 'robustmq', 'localhost:5000/a/b:tag',
    `ghcr.io/robustmq/robustmq@sha256:${'a'.repeat(64)}`,
  ])('image allows %s', (v) => expect(checks.image(v)).toBeUndefined());
  test.each(['', 'UPPER/case', 'a b', 'repo:', 'repo@sha256:short'])('image refuses %j', (v) => expect(checks.image(v)).toMatch(/image reference/));
  test.each([[1, 1, 99], [99, 1, 99]])('integer allows %d in [%d, %d]', (v, min, max) => expect(checks.integer(v, min, max)).toBeUndefined());
  test.each([[0, 1], [1.5, 1], [NaN, 1], [-1, 0]])('integer refuses %d (min %d)', (v, min) => expect(checks.integer(v, min)).toMatch(/whole number/));
  test.each(['10Gi', '500Mi', '1T', '1.5Gi'])('storageQuantity allows %s', (v) => expect(checks.storageQuantity(v)).toBeUndefined());
  test.each(['0Gi', '10GB', 'ten', '100m'])('storageQuantity refuses %s', (v) => expect(checks.storageQuantity(v)).toMatch(/storage quantity/));
  test('envName', () => {
    expect(checks.envName('POD_NAME')).toBeUndefined();
    expect(checks.envName('1X')).toMatch(/environment variable name/);
  });
  test('oneOf', () => {
    expect(checks.oneOf('a', ['a', 'b'])).toBeUndefined();
    expect(checks.oneOf('c', ['a', 'b'])).toBe("must be one of 'a', 'b'");
  });
});
