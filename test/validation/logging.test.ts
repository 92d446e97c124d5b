import { DEFAULT_ELASTICSEARCH_URL } from '../../src/elasticsearch/connection';
import { secretKey } from '../../src/validation/checks';
import { elasticsearchIndex, elasticsearchUrl, parseElasticsearchUrl } from '../../src/validation/elasticsearch';
import { configFormat, elasticsearchDuration, fluentBitSize, fluentBitSizeBytes, logLevelName } from '../../src/validation/logging';
import { maskPasswords, noInlinePassword } from '../../src/validation/secrets';

describe('logging checks', () => {
  test.each([
    DEFAULT_ELASTICSEARCH_URL, 'https://es.example.com', 'http://10.0.0.5:9200', 'https://[::1]:9243/prefix', 'HTTP://ES:9200',
  ])('elasticsearchUrl allows %s', (v) => expect(elasticsearchUrl(v)).toBeUndefined());

  test.each([
    'ftp://x', 'x', '', 'http://', 'http://es:0', 'http://es:65536', 'http://es:-1', 'http://es:port', 'http://es:9200?x=1',
    'http://es:9200#f', 'http://es host:9200', 'file:///etc/passwd',
  ])('elasticsearchUrl refuses %j', (v) => expect(elasticsearchUrl(v)).toMatch(/must be an http:\/\/ or https:\/\/ URL/));

  test('elasticsearchUrl refuses credentials', () => {
    expect(elasticsearchUrl('https://elastic:changeme@es:9200')).toMatch(/must not carry credentials/);
  });

  test('parseElasticsearchUrl', () => {
    expect(parseElasticsearchUrl(DEFAULT_ELASTICSEARCH_URL)).toEqual({ scheme: 'http', host: 'elasticsearch.monitoring.svc.cluster.local', port: 9200, path: '' });
    expect(parseElasticsearchUrl('https://es.example.com/a/b/')).toEqual({ scheme: 'https', host: 'es.example.com', port: 443, path: '/a/b' });
    expect(parseElasticsearchUrl('http://[::1]:9200')).toMatchObject({ host: '::1', port: 9200 });
    expect(parseElasticsearchUrl('http://es:65535')!.port).toBe(65535);
    expect(parseElasticsearchUrl('http://es:1')!.port).toBe(1);
  });

  test.each(['robustmq-logs', 'logs.robustmq', 'a', 'x'.repeat(255), 'café'])('elasticsearchIndex allows %s', (v) => expect(elasticsearchIndex(v)).toBeUndefined());
  test.each([
    '', 'Logs', 'a b', 'a,b', 'a#b', 'a*', 'a?', 'a"b', 'a<b', 'a>b', 'a|b', 'a\\b', 'a/b', 'a:b', '-a', '_a', '+a', '.', '..',
    'x'.repeat(256), 'é'.repeat(128),
  ])('elasticsearchIndex refuses %j', (v) => expect(elasticsearchIndex(v)).toMatch(/must be/));
  test('daily index prefixes leave room for the date', () => {
    const daily = { suffix: '-YYYY.MM.DD', appendedBy: 'daily indices append' };
    expect(elasticsearchIndex('x'.repeat(244), daily)).toBeUndefined();
    expect(elasticsearchIndex('x'.repeat(245), daily)).toMatch(/'-YYYY.MM.DD'/);
  });

  test.each(['50MB', '512KB', '1G', '32k', '5M', '100', '2gb'])('fluentBitSize allows %s', (v) => expect(fluentBitSize(v)).toBeUndefined());
  test.each(['', '0', '0MB', '50 MB', '50XB', '1.5MB', '-1M', 'MB', '50MiB'])('fluentBitSize refuses %j', (v) => expect(fluentBitSize(v)).toMatch(/Fluent Bit size/));
  test('fluentBitSizeBytes', () => {
    // Decimal units, as Fluent Bit 5.0.9's flb_utils_size_to_bytes reads them.
    expect(fluentBitSizeBytes('64KB')).toBe(64000);
    expect(fluentBitSizeBytes('1MB')).toBe(1000000);
    expect(fluentBitSizeBytes('2G')).toBe(2e9);
    // Just below and at the parser's overflow bounds.
    expect(fluentBitSize('9223372035G')).toBeUndefined();
    expect(fluentBitSize('9223372036G')).toMatch(/^must be below 9223372036G: Fluent Bit's size parser refuses a larger one/);
    expect(fluentBitSize('9223372036853M')).toBeUndefined();
    expect(fluentBitSize('9223372036854MB')).toMatch(/must be below 9223372036854MB/);
    expect(fluentBitSize('99999999999999999999')).toMatch(/must be below/);
    expect(fluentBitSizeBytes('x')).toBeUndefined();
  });

  test('configFormat', () => {
    expect(configFormat('yaml')).toBeUndefined();
    expect(configFormat('classic')).toBeUndefined();
    expect(configFormat('xml')).toBe("must be one of 'yaml', 'classic'");
  });

  test.each(['info', 'INFO', 'Warn', 'trace', 'error'])('logLevelName allows %s', (v) => expect(logLevelName(v)).toBeUndefined());
  test.each(['', 'fatal', 'warning', 'information'])('logLevelName refuses %j', (v) => expect(logLevelName(v)).toMatch(/must be a log level/));

  test.each(['password=x', 'PASSWORD: x', 'http_passwd x', 'HTTP_Passwd=secret', 'https://u:p@es', 'user passwd=1'])('noInlinePassword refuses %j', (v) => {
    expect(noInlinePassword(v)).toMatch(/must not carry a password/);
    expect(maskPasswords(v)).toContain('<hidden>');
  });
  test.each(['password', 'es-password', 'robustmq-logs', 'https://es:9200', '${ES_PASSWORD}'])('noInlinePassword allows %j', (v) => expect(noInlinePassword(v)).toBeUndefined());

  test('secretKey', () => {
    expect(secretKey('ca.crt')).toBeUndefined();
    expect(secretKey('a b')).toMatch(/Secret key/);
  });

  test('elasticsearchDuration', () => {
    expect(elasticsearchDuration('1h')).toBeUndefined();
    expect(elasticsearchDuration('7d')).toBeUndefined();
    expect(elasticsearchDuration('1h30m')).toMatch(/Elasticsearch duration/);
  });
});
