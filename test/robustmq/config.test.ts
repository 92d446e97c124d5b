import * as dgram from 'dgram';
import * as fs from 'fs';
import * as net from 'net';
import { parse as parseToml } from 'smol-toml';
import { fakeServer, PodSandbox, TEST_CREDENTIALS } from './support/pod-script';
import {
  BROKER_ID_PLACEHOLDER,
  BROKER_IP_PLACEHOLDER,
  MEMBER_MARKER,
  PodScriptModel,
  renderLoggerToml,
  renderPodScript,
  renderServerToml,
  renderServerTomlTemplate,
  ServerTomlModel,
} from '../../src/robustmq/config';

const model: ServerTomlModel = {
  clusterName: 'robustmq-cluster',
  roles: ['meta', 'broker', 'engine'],
  grpcPort: 1228,
  httpPort: 58080,
  metaHosts: ['rmq-0.rmq-headless.ns.svc.cluster.local', 'rmq-1.rmq-headless.ns.svc.cluster.local', 'rmq-2.rmq-headless.ns.svc.cluster.local'],
  loggerConfigPath: '/etc/robustmq/logger.toml',
  logPath: '/robustmq/data/logs',
  dataPath: '/robustmq/data',
  engineDataPaths: ['/robustmq/data/engine'],
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
    expect(cfg.log.log_path).toBe('/robustmq/data/logs');
    expect(cfg.data_path).toBe('/robustmq/data');
    // Without a storage folder the engine role exits at start-up (FACTS: storage engine).
    expect(cfg.storage_runtime.data_path).toEqual(['/robustmq/data/engine']);
  });

  test('meta_addrs ids match the broker ids the pods take', () => {
    for (let ordinal = 0; ordinal < 3; ordinal++) {
      const cfg: any = parseToml(renderServerToml(model, ordinal, '10.0.0.1'));
      expect(cfg.meta_addrs[String(cfg.broker_id)]).toBe(`${model.metaHosts[ordinal]}:1228`);
    }
  });
});

test('without the engine role there is no storage_runtime table', () => {
  const cfg: any = parseToml(renderServerToml({ ...model, roles: ['meta', 'broker'], engineDataPaths: [] }, 0, '10.0.0.1'));
  expect(cfg.storage_runtime).toBeUndefined();
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

describe('pod script, run for real by dash with stub curl', () => {
  let box: PodSandbox;
  let script: (over?: Partial<PodScriptModel>) => string;

  beforeEach(() => {
    box = new PodSandbox();
    fs.writeFileSync(box.path('etc', 'server.toml'), renderServerTomlTemplate(model));
    const server = fakeServer(box);
    script = (over = {}) => renderPodScript({
      templatePath: box.path('etc', 'server.toml'),
      renderedPath: box.path('run', 'server.toml'),
      binary: server,
      statefulSetName: 'rmq',
      dataDir: box.path('data'),
      firstPeerHost: 'rmq-0.rmq-headless.ns.svc.cluster.local',
      httpPort: 58080,
      grpcPort: 1228,
      tcpPorts: [1883, 8083, 1778],
      udpPorts: [9083],
      peerWaitSeconds: 300,
      secretName: 'rmq-credentials',
      secretKeys: { adminUsername: 'admin-username', adminPassword: 'admin-password', jwtSecret: 'jwt-secret', mqttUsername: 'mqtt-username', mqttPassword: 'mqtt-password' },
      ...over,
    });
  });
  afterEach(() => box.dispose());

  const pod = (ordinal: number | string, extra: Record<string, string> = {}) => ({
    HOSTNAME: `rmq-${ordinal}`, POD_IP: `10.1.0.${Number(ordinal) + 10}`, ...TEST_CREDENTIALS, ...extra,
  });
  const configOf = (stdout: string): any => parseToml(stdout.split('\n').slice(2).join('\n'));
  const logins = () => box.curlCalls().filter((c) => c.includes('/api/v1/login')).length;

  test('fresh ordinal 0 starts at once (it bootstraps the group) with its id, IP and the credentials', () => {
    const r = box.run(script(), 'start', pod(0));
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe(`args: --conf=${box.path('run', 'server.toml')}`);
    // The server's environment no longer carries the credentials.
    expect(r.stdout.split('\n')[1]).toBe('credential env: 0');
    const cfg = configOf(r.stdout);
    expect(cfg.broker_id).toBe(1);
    expect(cfg.broker_ip).toBe('10.1.0.10');
    expect(cfg.admin).toEqual({ username: 'operator', password: TEST_CREDENTIALS.ROBUSTMQ_ADMIN_PASSWORD, jwt_secret: TEST_CREDENTIALS.ROBUSTMQ_ADMIN_JWT_SECRET });
    expect(cfg.mqtt_runtime.auth).toEqual({ default_user: 'mqtt-super', default_password: TEST_CREDENTIALS.ROBUSTMQ_MQTT_PASSWORD });
    expect(cfg.storage_runtime.data_path).toEqual(['/robustmq/data/engine']);
    expect(logins()).toBe(0);
    // The rendered file is readable by the pod's user only; no secret reaches the log.
    expect((fs.statSync(box.path('run', 'server.toml')).mode % 0o1000).toString(8)).toBe('600');
    const secrets = [TEST_CREDENTIALS.ROBUSTMQ_ADMIN_PASSWORD, TEST_CREDENTIALS.ROBUSTMQ_ADMIN_JWT_SECRET, TEST_CREDENTIALS.ROBUSTMQ_MQTT_PASSWORD];
    for (const secret of secrets) expect(r.stderr).not.toContain(secret);
  });

  test('every ordinal gets a distinct broker_id matching its meta_addrs entry', () => {
    for (let ordinal = 0; ordinal < 3; ordinal++) {
      fs.writeFileSync(box.path('data', MEMBER_MARKER), '');
      const cfg = configOf(box.run(script(), 'start', pod(ordinal)).stdout);
      expect(cfg.broker_id).toBe(ordinal + 1);
      expect(cfg.meta_addrs[String(cfg.broker_id)]).toBe(`${model.metaHosts[ordinal]}:1228`);
    }
  });

  test('fresh ordinal 2 while ordinal 0 is down waits, logging, then starts once ordinal 0 has a leader', () => {
    box.set('peer-state', 'down');
    box.set('up-after', '8');
    const r = box.run(script(), 'start', pod(2));
    expect(r.status).toBe(0);
    expect(logins()).toBe(8);
    expect(r.stderr).toMatch(/fresh pod: waiting up to 300s for ordinal 0 \(rmq-0\.rmq-headless/);
    expect(r.stderr).toMatch(/ordinal 0 has a Raft leader: starting and joining/);
    expect(configOf(r.stdout).broker_id).toBe(3);
    // The password went to curl on stdin, never on its command line.
    for (const call of box.curlCalls()) expect(call).not.toContain(TEST_CREDENTIALS.ROBUSTMQ_ADMIN_PASSWORD);
    expect(JSON.parse(fs.readFileSync(box.path('login-body'), 'utf8'))).toEqual({ username: 'operator', password: TEST_CREDENTIALS.ROBUSTMQ_ADMIN_PASSWORD });
  });

  test('ordinal 0 answering without a Raft leader is not enough: the wait goes on until the bound, then exits 1', () => {
    box.set('peer-state', 'no-leader');
    box.clock(4);
    const r = box.run(script({ peerWaitSeconds: 30 }), 'start', pod(1));
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/still waiting for ordinal 0 after \d+s/);
    expect(r.stderr).toMatch(/did not answer with a Raft leader within 30s: exiting/);
    expect(logins()).toBeGreaterThanOrEqual(3);
  });

  test('ordinal 2 with state starts at once, without asking anyone', () => {
    box.set('peer-state', 'down');
    fs.writeFileSync(box.path('data', MEMBER_MARKER), '');
    const r = box.run(script(), 'start', pod(2));
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/has been a Raft member/);
    expect(box.curlCalls()).toEqual([]);
  });

  test('a full restart with state: every pod starts at once although no peer is up', () => {
    box.set('peer-state', 'down');
    fs.writeFileSync(box.path('data', MEMBER_MARKER), '');
    for (const ordinal of [2, 1, 0]) {
      expect(box.run(script(), 'start', pod(ordinal)).status).toBe(0);
    }
    expect(box.curlCalls()).toEqual([]);
  });

  test.each([
    ['other-0', /is not the name of a pod of StatefulSet 'rmq'/],
    ['rmq-', /cannot read a StatefulSet ordinal from HOSTNAME='rmq-'/],
    ['rmq-01', /cannot read a StatefulSet ordinal/],
    ['rmq-x1', /cannot read a StatefulSet ordinal/],
    ['', /HOSTNAME='' is not the name of a pod/],
  ])('a malformed HOSTNAME %p is a clear error and exit 1', (hostname, message) => {
    const r = box.run(script(), 'start', pod(0, { HOSTNAME: hostname }));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(fs.existsSync(box.path('run', 'server.toml'))).toBe(false);
  });

  test('a cluster name with dashes and digits: rmq-2-12 of StatefulSet rmq-2 is ordinal 12', () => {
    fs.writeFileSync(box.path('data', MEMBER_MARKER), '');
    const r = box.run(script({ statefulSetName: 'rmq-2' }), 'start', pod(0, { HOSTNAME: 'rmq-2-12', POD_IP: 'fd00::12' }));
    const cfg = configOf(r.stdout);
    expect(cfg.broker_id).toBe(13);
    expect(cfg.broker_ip).toBe('fd00::12');
  });

  test.each([
    ['a missing password', { ROBUSTMQ_ADMIN_PASSWORD: '' }, /ROBUSTMQ_ADMIN_PASSWORD is empty: set key 'admin-password' of Secret 'rmq-credentials'/],
    ["RobustMQ's public admin password", { ROBUSTMQ_ADMIN_PASSWORD: 'admin' }, /key 'admin-password' .* is a default that RobustMQ ships publicly/],
    ["RobustMQ's public MQTT password", { ROBUSTMQ_MQTT_PASSWORD: 'robustmq' }, /key 'mqtt-password' .* is a default that RobustMQ ships publicly/],
    ["RobustMQ's public JWT secret", { ROBUSTMQ_ADMIN_JWT_SECRET: 'robustmq-change-me-in-production' }, /key 'jwt-secret' .* is a default/],
    ['a short JWT secret', { ROBUSTMQ_ADMIN_JWT_SECRET: 'short' }, /key 'jwt-secret' of Secret 'rmq-credentials'\) must be at least 32 characters/],
    ['a newline in a user name', { ROBUSTMQ_MQTT_USERNAME: 'a\nb' }, /ROBUSTMQ_MQTT_USERNAME .* contains a control character/],
    ['no POD_IP', { POD_IP: '' }, /POD_IP is not set/],
  ])('refuses to start with %s', (_what, env, message) => {
    const r = box.run(script(), 'start', pod(0, env));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  describe('ready', () => {
    const servers: Array<net.Server | dgram.Socket> = [];
    afterEach(async () => {
      await Promise.all(servers.splice(0).map((s) => new Promise<void>((res) => s.close(() => res()))));
    });
    const listenTcp = (): Promise<number> => new Promise((res) => {
      const srv = net.createServer().listen(0, '127.0.0.1', () => res((srv.address() as net.AddressInfo).port));
      servers.push(srv);
    });
    const bindUdp = (): Promise<number> => new Promise((res) => {
      const sock = dgram.createSocket('udp4');
      sock.bind(0, '127.0.0.1', () => res(sock.address().port));
      servers.push(sock);
    });

    test('is ready only with a meta leader and every listener open, and then marks the pod a member', async () => {
      const [grpc, http, mqtt, ws, quic] = [await listenTcp(), await listenTcp(), await listenTcp(), await listenTcp(), await bindUdp()];
      const s = script({ grpcPort: grpc, httpPort: http, tcpPorts: [mqtt, ws], udpPorts: [quic] });
      box.set('local-state', 'no-leader');
      let r = box.run(s, 'ready', {});
      expect(r.status).toBe(1);
      expect(r.stdout).toMatch(/the meta service has no Raft leader/);
      expect(fs.existsSync(box.path('data', MEMBER_MARKER))).toBe(false);
      box.set('local-state', 'up');
      r = box.run(s, 'ready', {});
      expect([r.status, r.stdout]).toEqual([0, '']);
      expect(fs.existsSync(box.path('data', MEMBER_MARKER))).toBe(true);
      // The check asked the local admin API, which needs no token from loopback.
      expect(box.curlCalls()).toEqual([`-s --max-time 4 http://127.0.0.1:${http}/api/info`, `-s --max-time 4 http://127.0.0.1:${http}/api/info`]);
    });

    test('a closed TCP listener or an unbound QUIC port is not ready', async () => {
      const [grpc, http, mqtt, quic] = [await listenTcp(), await listenTcp(), await listenTcp(), await bindUdp()];
      const closedTcp = await listenTcp();
      await new Promise<void>((res) => (servers.pop() as net.Server).close(() => res()));
      const closedUdp = await bindUdp();
      await new Promise<void>((res) => (servers.pop() as dgram.Socket).close(() => res()));
      box.set('local-state', 'up');
      let r = box.run(script({ grpcPort: grpc, httpPort: http, tcpPorts: [mqtt, closedTcp], udpPorts: [quic] }), 'ready', {});
      expect(r.status).toBe(1);
      expect(r.stdout).toMatch(new RegExp(`TCP port 0x${closedTcp.toString(16).toUpperCase().padStart(4, '0')} is not listening`));
      r = box.run(script({ grpcPort: grpc, httpPort: http, tcpPorts: [mqtt], udpPorts: [closedUdp] }), 'ready', {});
      expect(r.status).toBe(1);
      expect(r.stdout).toMatch(/UDP port 0x[0-9A-F]{4} is not bound/);
    });

    test('the admin API not answering is not ready', () => {
      box.set('local-state', 'down');
      const r = box.run(script(), 'ready', {});
      expect(r.status).toBe(1);
      expect(r.stdout).toMatch(/admin API on port 58080 does not answer/);
    });

    test('once ready, a restarted fresh-looking ordinal 1 starts at once', async () => {
      const [grpc, http] = [await listenTcp(), await listenTcp()];
      box.set('local-state', 'up');
      expect(box.run(script({ grpcPort: grpc, httpPort: http, tcpPorts: [], udpPorts: [] }), 'ready', {}).status).toBe(0);
      box.set('peer-state', 'down');
      const r = box.run(script(), 'start', pod(1));
      expect(r.status).toBe(0);
      expect(logins()).toBe(0);
    });
  });
});
