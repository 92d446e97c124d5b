import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse as parseToml } from 'smol-toml';
import {
  BROKER_ID_PLACEHOLDER,
  BROKER_IP_PLACEHOLDER,
  renderLoggerToml,
  renderServerToml,
  renderServerTomlTemplate,
  renderStartScript,
  ServerTomlModel,
} from '../../src/robustmq/config';

const model: ServerTomlModel = {
  clusterName: 'robustmq-cluster',
  roles: ['meta', 'broker', 'engine'],
  grpcPort: 1228,
  httpPort: 58080,
  metaHosts: ['rmq-0.rmq-headless.ns.svc.cluster.local', 'rmq-1.rmq-headless.ns.svc.cluster.local', 'rmq-2.rmq-headless.ns.svc.cluster.local'],
  loggerConfigPath: '/etc/robustmq/logger.toml',
  logPath: './data/logs',
};

describe('server.toml', () => {
  test('the template has one placeholder each for broker_id and broker_ip', () => {
    const t = renderServerTomlTemplate(model);
    expect(t.split(BROKER_ID_PLACEHOLDER)).toHaveLength(2);
    expect(t.split(BROKER_IP_PLACEHOLDER)).toHaveLength(2);
  });

  test('a rendered pod config is valid TOML with the facts RobustMQ reads', () => {
    const cfg: any = parseToml(renderServerToml(model, 1, '10.0.0.12'));
    expect(cfg.cluster_name).toBe('robustmq-cluster');
    expect(cfg.broker_id).toBe(2);
    expect(cfg.broker_ip).toBe('10.0.0.12');
    expect(cfg.roles).toEqual(['meta', 'broker', 'engine']);
    expect(cfg.grpc_port).toBe(1228);
    expect(cfg.http_port).toBe(58080);
    expect({ ...cfg.meta_addrs }).toEqual({
      1: 'rmq-0.rmq-headless.ns.svc.cluster.local:1228',
      2: 'rmq-1.rmq-headless.ns.svc.cluster.local:1228',
      3: 'rmq-2.rmq-headless.ns.svc.cluster.local:1228',
    });
    expect(cfg.log.log_config).toBe('/etc/robustmq/logger.toml');
    expect(cfg.log.log_path).toBe('./data/logs');
  });

  test('meta_addrs ids match the broker ids the pods take', () => {
    for (let ordinal = 0; ordinal < 3; ordinal++) {
      const cfg: any = parseToml(renderServerToml(model, ordinal, '10.0.0.1'));
      expect(cfg.meta_addrs[String(cfg.broker_id)]).toBe(`${model.metaHosts[ordinal]}:1228`);
    }
  });
});

describe('logger.toml', () => {
  test('one console appender writing JSON without ANSI codes', () => {
    const cfg: any = parseToml(renderLoggerToml({ level: 'info' }));
    expect(Object.keys(cfg)).toEqual(['stdout']);
    expect(cfg.stdout.kind).toBe('console');
    expect(cfg.stdout.formatter).toBe('json');
    expect(cfg.stdout.ansi).toBe(false);
    expect(cfg.stdout.targets).toEqual([{ path: '', level: 'info' }]);
  });
});

describe('start script, run by /bin/sh', () => {
  let dir: string;
  let template: string;
  let rendered: string;
  let fakeServer: string;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'robustmq-start-'));
    template = path.join(dir, 'server.toml');
    rendered = path.join(dir, 'rendered.toml');
    fakeServer = path.join(dir, 'broker-server');
    fs.writeFileSync(template, renderServerTomlTemplate(model));
    // Stands in for the server binary: prints its arguments and the file it is given.
    fs.writeFileSync(fakeServer, '#!/bin/sh\necho "args: $*"\ncat "${1#--conf=}"\n', { mode: 0o755 });
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  function run(env: Record<string, string>): string {
    const script = renderStartScript({ templatePath: template, renderedPath: rendered, binary: fakeServer });
    return execFileSync('/bin/sh', ['-c', script], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  }

  test('every pod of a StatefulSet gets a distinct broker_id from its ordinal and its own IP', () => {
    const ids = new Set<number>();
    for (let ordinal = 0; ordinal < 3; ordinal++) {
      const out = run({ HOSTNAME: `robustmq-cluster-${ordinal}`, POD_IP: `10.1.0.${ordinal + 10}` });
      expect(out.split('\n')[0]).toBe(`args: --conf=${rendered}`);
      const cfg: any = parseToml(out.split('\n').slice(1).join('\n'));
      expect(cfg.broker_id).toBe(ordinal + 1);
      expect(cfg.broker_ip).toBe(`10.1.0.${ordinal + 10}`);
      ids.add(cfg.broker_id);
      // The rendered file equals what the pure renderer says the pod runs with.
      expect(fs.readFileSync(rendered, 'utf8')).toBe(renderServerToml(model, ordinal, `10.1.0.${ordinal + 10}`));
    }
    expect(ids.size).toBe(3);
  });

  test('two-digit ordinals work (cluster names may contain dashes and digits)', () => {
    const out = run({ HOSTNAME: 'rmq-2-12', POD_IP: 'fd00::12' });
    const cfg: any = parseToml(out.split('\n').slice(1).join('\n'));
    expect(cfg.broker_id).toBe(13);
    expect(cfg.broker_ip).toBe('fd00::12');
  });

  test('refuses to start without an ordinal in HOSTNAME or without POD_IP', () => {
    expect(() => run({ HOSTNAME: 'not-a-statefulset-pod', POD_IP: '10.0.0.1' })).toThrow(/cannot read a StatefulSet ordinal/);
    expect(() => run({ HOSTNAME: 'robustmq-cluster-0' })).toThrow(/POD_IP is not set/);
  });
});
