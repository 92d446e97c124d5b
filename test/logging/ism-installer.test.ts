import { execFile } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { SearchEngine } from '../../src/elasticsearch/connection';
import { logIndexTemplate } from '../../src/logging/es-template';
import { installScript } from '../../src/logging/es-template-job';

/**
 * The OpenSearch installer script run by the real /bin/sh and the real curl against a model of
 * OpenSearch's ISM and index template API. The model follows OpenSearch's documentation
 * (opensearch-project/documentation-website `_im-plugin/ism/api.md`): "Get policy" answers the
 * policy with its `_seq_no` and `_primary_term`, or 404; "Create policy" PUTs a new one; "Update
 * policy": a PUT of an existing policy needs `if_seq_no` and `if_primary_term` matching it, else
 * ISM throws an error (a 409 version conflict here). No OpenSearch runs here.
 */

interface Policy { seqNo: number; version: number; body: unknown }

class OpenSearchModel {
  public readonly policies = new Map<string, Policy>();
  public readonly templates = new Map<string, unknown>();
  public readonly requests: string[] = [];
  public readonly auth: Array<string | undefined> = [];
  private seq = 0;
  private server?: http.Server;

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => this.answer(req, body, res));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  private answer(req: http.IncomingMessage, body: string, res: http.ServerResponse): void {
    const url = new URL(req.url!, 'http://x');
    this.requests.push(`${req.method} ${url.pathname}${url.search}`);
    this.auth.push(req.headers.authorization);
    const send = (status: number, json: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(json));
    };
    const ism = /^\/_plugins\/_ism\/policies\/([^/]+)$/.exec(url.pathname);
    const template = /^\/_index_template\/([^/]+)$/.exec(url.pathname);
    if (ism) {
      const id = ism[1];
      const p = this.policies.get(id);
      if (req.method === 'GET') {
        if (!p) return send(404, { error: { type: 'status_exception', reason: 'Policy not found' }, status: 404 });
        return send(200, { _id: id, _version: p.version, _seq_no: p.seqNo, _primary_term: 1, policy: (p.body as any).policy });
      }
      if (req.method === 'PUT') {
        const seqNo = url.searchParams.get('if_seq_no');
        const term = url.searchParams.get('if_primary_term');
        if (p && (seqNo === null || term === null || Number(seqNo) !== p.seqNo || term !== '1')) {
          return send(409, { error: { type: 'version_conflict_engine_exception', reason: `[${id}]: version conflict` }, status: 409 });
        }
        if (!p && seqNo !== null) return send(404, { error: { type: 'document_missing_exception' }, status: 404 });
        const next = { seqNo: this.seq++, version: (p?.version ?? 0) + 1, body: JSON.parse(body) };
        this.policies.set(id, next);
        return send(p ? 200 : 201, { _id: id, _version: next.version, _primary_term: 1, _seq_no: next.seqNo, policy: next.body });
      }
    }
    if (template && req.method === 'PUT') {
      this.templates.set(template[1], JSON.parse(body));
      return send(200, { acknowledged: true });
    }
    return send(400, { error: 'unexpected request' });
  }
}

const TEMPLATE = logIndexTemplate({ index: 'robustmq-logs', daily: true, retentionDays: 14, priority: 501, engine: SearchEngine.OPENSEARCH });

/** Runs the installer as the Job does, with its files in a temporary directory instead of the ConfigMap mount. */
function runInstaller(url: string, env: { [k: string]: string } = {}, policy: unknown = TEMPLATE.policy):
Promise<{ code: number; stdout: string; stderr: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ism-installer-'));
  fs.writeFileSync(path.join(dir, 'install.sh'), installScript(SearchEngine.OPENSEARCH).replace(/\/es-template\//g, `${dir}/`));
  fs.writeFileSync(path.join(dir, 'policy.json'), JSON.stringify(policy));
  fs.writeFileSync(path.join(dir, 'template.json'), JSON.stringify(TEMPLATE.template));
  return new Promise((resolve) => {
    execFile('/bin/sh', [path.join(dir, 'install.sh')], {
      env: { PATH: process.env.PATH!, ES_URL: url, ES_TLS_OPTIONS: '', TEMPLATE_NAME: TEMPLATE.templateName, POLICY_NAME: TEMPLATE.policyName!, ...env },
      timeout: 60_000,
    }, (err, stdout, stderr) => {
      fs.rmSync(dir, { recursive: true, force: true });
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

describe('the OpenSearch installer (real sh and curl, a model of the ISM API)', () => {
  const store = new OpenSearchModel();
  let url = '';
  beforeAll(async () => { url = await store.start(); });
  afterAll(async () => { await store.stop(); });

  test('first run: the policy is created (no seq numbers: there is none yet), then the template', async () => {
    const r = await runInstaller(url);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(store.requests).toEqual([
      'GET /_plugins/_ism/policies/robustmq-logs-retention',
      'PUT /_plugins/_ism/policies/robustmq-logs-retention',
      'PUT /_index_template/robustmq-logs',
    ]);
    expect(store.policies.get('robustmq-logs-retention')!.body).toEqual(TEMPLATE.policy);
    expect(store.templates.get('robustmq-logs')).toEqual(TEMPLATE.template);
  });

  test('a rerun: the existing policy is updated with the seq numbers its GET answered, to the same body', async () => {
    store.requests.length = 0;
    const before = store.policies.get('robustmq-logs-retention')!;
    const r = await runInstaller(url);
    expect(r.code).toBe(0);
    expect(store.requests).toEqual([
      'GET /_plugins/_ism/policies/robustmq-logs-retention',
      `PUT /_plugins/_ism/policies/robustmq-logs-retention?if_seq_no=${before.seqNo}&if_primary_term=1`,
      'PUT /_index_template/robustmq-logs',
    ]);
    const after = store.policies.get('robustmq-logs-retention')!;
    expect(after.version).toBe(before.version + 1);
    expect(after.body).toEqual(before.body);
  });

  test('a changed retention replaces the policy on the next run', async () => {
    const changed = logIndexTemplate({ index: 'robustmq-logs', daily: true, retentionDays: 30, priority: 501, engine: SearchEngine.OPENSEARCH });
    expect((await runInstaller(url, {}, changed.policy)).code).toBe(0);
    expect((store.policies.get('robustmq-logs-retention')!.body as any).policy.states[0].transitions[0].conditions.min_index_age).toBe('30d');
  });

  test('the model refuses what OpenSearch refuses: a PUT of an existing policy without seq numbers', async () => {
    const res = await fetch(`${url}/_plugins/_ism/policies/robustmq-logs-retention`, { method: 'PUT', body: JSON.stringify(TEMPLATE.policy) });
    expect(res.status).toBe(409);
  });

  test('credentials from the environment reach curl as basic auth on every request, quotes and backslashes intact', async () => {
    store.auth.length = 0;
    const r = await runInstaller(url, { ES_USERNAME: 'writer', ES_PASSWORD: 'p"a\\ss' });
    expect(r.code).toBe(0);
    const expected = `Basic ${Buffer.from('writer:p"a\\ss').toString('base64')}`;
    expect(store.auth).toEqual([expected, expected, expected]);
  });

  test('an unexpected GET answer fails the Job (its backoffLimit retries it), with the reply on stderr', async () => {
    const r = await runInstaller(url.replace(/:(\d+)$/, ':$1/nowhere'));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('GET _plugins/_ism/policies/robustmq-logs-retention failed');
  });
});
