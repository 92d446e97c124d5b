import { goFloat, goG4, humanize, humanizeDuration, humanizePercentage, renderTemplate, unsupportedActions } from '../../src/alerts/template';

// Expected strings are what Prometheus's template functions print for these values.
describe('Prometheus template functions', () => {
  test.each([
    [0, '0'], [1, '1'], [0.5, '0.5'], [1234.5, '1234'], [2037.76, '2038'], [12345678, '1.235e+07'], [0.00001234, '1.234e-05'], [0.525, '0.525'], [1235.5, '1236'], [9999.5, '1e+04'], [-2.5, '-2.5'], [0.0001, '0.0001'], [123, '123'],
  ])('%%.4g of %d is %s', (v, s) => expect(goG4(v)).toBe(s));
  test.each([[0, '0'], [1, '1'], [2.5, '2.5'], [1e21, '1e+21'], [0.00001, '1e-05']])('%%v of %d is %s', (v, s) => expect(goFloat(v)).toBe(s));
  test.each([[0, '0'], [2, '2'], [1500, '1.5k'], [2e6, '2M'], [0.9, '900m'], [0.0025, '2.5m']])('humanize %d is %s', (v, s) => expect(humanize(v)).toBe(s));
  test.each([[0.525, '52.5%'], [0.05, '5%'], [0.9, '90%'], [1, '100%'], [0.1234567, '12.35%']])('humanizePercentage %d is %s', (v, s) => expect(humanizePercentage(v)).toBe(s));
  test.each([[0, '0s'], [9.5, '9.5s'], [2.03776, '2.038s'], [90, '1m 30s'], [3723, '1h 2m 3s'], [90061, '1d 1h 1m 1s'], [0.5, '500ms'], [0.00199, '1.99ms']])(
    'humanizeDuration %d is %s', (v, s) => expect(humanizeDuration(v)).toBe(s));

  test('renders labels and values', () => {
    expect(renderTemplate('{{ $labels.pod }} at {{ $value | humanizePercentage }} ({{ $value }}), {{ $labels.missing }}.', { pod: 'p-0' }, 0.5))
      .toBe('p-0 at 50% (0.5), .');
  });

  test('refuses what it cannot render', () => {
    expect(() => renderTemplate('{{ printf "%.2f" $value }}', {}, 1)).toThrow(/unsupported template action/);
    expect(unsupportedActions('{{ $value | title }} and {{ $labels.x }}')).toEqual(['{{ $value | title }}']);
    expect(unsupportedActions('{{ $labels.x }}')).toEqual([]);
  });
});
