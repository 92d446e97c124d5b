import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { RealProcess, freePort, sleep } from '../../support/processes';
import { realTool } from '../../support/real-tools';

/**
 * A real Kubernetes control plane for the tests: etcd (Debian's etcd-server) and kube-apiserver
 * (built from the k8s.io/kubernetes module by scripts/install-real-tools.sh) on loopback, with a
 * CA, serving and client certificates made here by openssl, and kubectl of the same release.
 * No controllers run: objects are stored and admitted (Pod Security included), not reconciled.
 */

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** CA, API server serving pair, admin client pair (system:masters), service-account key pair. */
function certificates(dir: string): void {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=robustmq-observability-test-ca'], dir);
  fs.writeFileSync(path.join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  const sign = (name: string, subject: string, ext?: string) => {
    openssl(['req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject], dir);
    openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial',
      '-out', `${name}.crt`, '-days', '1', ...(ext ? ['-extfile', ext] : [])], dir);
  };
  sign('server', '/CN=kube-apiserver', 'san.ext');
  sign('admin', '/O=system:masters/CN=admin');
  openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'sa.key'], dir);
  openssl(['ec', '-in', 'sa.key', '-pubout', '-out', 'sa.pub'], dir);
}

export interface KubectlResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

export class KubeControlPlane {
  public static async start(dir: string, deadlineMs: number): Promise<KubeControlPlane> {
    fs.mkdirSync(dir, { recursive: true });
    certificates(dir);
    const [client, peer, secure] = await Promise.all([freePort(), freePort(), freePort()]);
    const etcd = RealProcess.start('etcd', [
      '--name', 'test', '--data-dir', path.join(dir, 'etcd'),
      '--listen-client-urls', `http://127.0.0.1:${client}`, '--advertise-client-urls', `http://127.0.0.1:${client}`,
      '--listen-peer-urls', `http://127.0.0.1:${peer}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${peer}`,
      '--initial-cluster', `test=http://127.0.0.1:${peer}`, '--log-level', 'warn',
    ], deadlineMs);
    await etcd.waitForHttp(`http://127.0.0.1:${client}/health`, 30_000);
    const f = (name: string) => path.join(dir, name);
    const apiserver = RealProcess.start(realTool('kube-apiserver'), [
      `--etcd-servers=http://127.0.0.1:${client}`,
      '--bind-address=127.0.0.1', '--advertise-address=127.0.0.1', `--secure-port=${secure}`,
      `--tls-cert-file=${f('server.crt')}`, `--tls-private-key-file=${f('server.key')}`, `--client-ca-file=${f('ca.crt')}`,
      `--service-account-key-file=${f('sa.pub')}`, `--service-account-signing-key-file=${f('sa.key')}`,
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      '--service-cluster-ip-range=10.96.0.0/16', '--authorization-mode=RBAC',
      '--profiling=false', `--cert-dir=${f('certs')}`, '-v=1',
    ], deadlineMs);
    const kubeconfig = f('kubeconfig');
    fs.writeFileSync(kubeconfig, [
      'apiVersion: v1', 'kind: Config', 'current-context: test',
      'clusters:', '- name: test', '  cluster:', `    server: https://127.0.0.1:${secure}`, `    certificate-authority: ${f('ca.crt')}`,
      'users:', '- name: admin', '  user:', `    client-certificate: ${f('admin.crt')}`, `    client-key: ${f('admin.key')}`,
      'contexts:', '- name: test', '  context:', '    cluster: test', '    user: admin', '',
    ].join('\n'));
    const plane = new KubeControlPlane(etcd, apiserver, kubeconfig);
    try {
      await plane.waitReady(90_000);
    } catch (e) {
      await plane.stop();
      throw e;
    }
    return plane;
  }

  private constructor(private readonly etcd: RealProcess, private readonly apiserver: RealProcess, public readonly kubeconfig: string) {}

  /** Runs kubectl against this API server, with `input` on stdin when given. */
  public kubectl(args: string[], input?: string): KubectlResult {
    const r = spawnSync(realTool('kubectl'), ['--kubeconfig', this.kubeconfig, ...args], { input, encoding: 'utf8', timeout: 120_000 });
    if (r.error) throw r.error;
    return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
  }

  private async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last: KubectlResult | undefined;
    while (Date.now() < deadline) {
      if (!this.apiserver.running) break;
      last = this.kubectl(['get', '--raw', '/readyz']);
      if (last.status === 0 && last.stdout.trim() === 'ok') {
        // The default namespace and the built-in RBAC roles are made by post-start hooks.
        if (this.kubectl(['get', 'namespace', 'default']).status === 0) return;
      }
      await sleep(500);
    }
    throw new Error(`kube-apiserver did not become ready: ${last?.stderr ?? ''}\n${this.apiserver.log()}`);
  }

  public log(): string {
    return this.apiserver.log();
  }

  public async stop(): Promise<void> {
    await this.apiserver.stop();
    await this.etcd.stop();
  }
}
