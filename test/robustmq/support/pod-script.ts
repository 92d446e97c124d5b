import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * Runs the pod script for real under dash with stub `curl`, `sleep` and `date` on the PATH, in a
 * scratch directory that stands in for the pod's mounts. The stubs follow RobustMQ v0.4.11's admin
 * API: `POST /api/v1/login` answers `{"code":0,"data":{"token":...}}` (src/admin-server/src/auth.rs),
 * `GET /api/info` answers an AdminServerResponse whose `meta` map carries each Raft group's
 * `current_leader` (src/admin-server/src/cluster/mod.rs, src/common/metadata-struct/src/meta/status.rs).
 */
export class PodSandbox {
  public readonly dir: string;
  public readonly stubs: string;
  public readonly curlLog: string;

  constructor() {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'robustmq-pod-'));
    this.stubs = path.join(this.dir, 'stubs');
    this.curlLog = path.join(this.dir, 'curl.log');
    fs.mkdirSync(this.stubs);
    for (const d of ['etc', 'run', 'data', 'tmp']) fs.mkdirSync(path.join(this.dir, d));
    // curl: ordinal 0's state is read from files: 'down' (connection refused, exit 7), 'no-leader'
    // or 'up'; `up-after` turns it up after that many login attempts. argv is logged so that a
    // test can check no secret is ever on a command line.
    this.stub('curl', `#!/bin/sh
printf '%s\\n' "$*" >> '${this.curlLog}'
dir='${this.dir}'
url=""; for a in "$@"; do case "$a" in http://*) url="$a" ;; esac; done
case "$url" in http://127.0.0.1:*) state=$(cat "$dir/local-state" 2>/dev/null || echo down) ;;
  *) state=$(cat "$dir/peer-state" 2>/dev/null || echo down) ;; esac
case "$url" in
  */api/v1/login)
    cat > "$dir/login-body"
    n=$(($(cat "$dir/logins" 2>/dev/null || echo 0) + 1)); echo "$n" > "$dir/logins"
    after=$(cat "$dir/up-after" 2>/dev/null || echo 0)
    if [ "$after" -gt 0 ] && [ "$n" -ge "$after" ]; then state=up; echo up > "$dir/peer-state"; fi
    [ "$state" != down ] || exit 7
    printf '{"code":0,"data":{"token":"eyJhbGciOiJIUzI1NiJ9.e30.c2ln","expires_in":86400},"message":"success"}' ;;
  */api/info)
    [ "$state" != down ] || exit 7
    if [ "$state" = up ]; then leader=1; else leader=null; fi
    printf '{"code":0,"data":{"version":"0.4.11","cluster_name":"c","meta":{"metadata_0":{"running_state":{"Ok":null},"id":1,"current_term":2,"state":"Leader","current_leader":%s}}},"error":null}' "$leader" ;;
  *) exit 22 ;;
esac
`);
    this.stub('sleep', '#!/bin/sh\nexit 0\n');
  }

  /** Puts a stub command on the PATH. */
  public stub(name: string, body: string): void {
    fs.writeFileSync(path.join(this.stubs, name), body, { mode: 0o755 });
  }

  /** Makes `date +%s` advance by `step` seconds a call, from 1000. */
  public clock(step: number): void {
    this.stub('date', `#!/bin/sh\nf='${this.dir}/clock'\nt=$(($(cat "$f" 2>/dev/null || echo 1000) + ${step}))\necho "$t" > "$f"\necho "$t"\n`);
  }

  public set(file: string, content: string): void {
    fs.writeFileSync(path.join(this.dir, file), content);
  }

  public path(...parts: string[]): string {
    return path.join(this.dir, ...parts);
  }

  /** The script with the pod's absolute paths moved into this sandbox. */
  public localize(script: string, dirs: { [podPath: string]: string }): string {
    let s = script;
    for (const [from, to] of Object.entries(dirs)) s = s.split(from).join(this.path(to));
    return s;
  }

  /** Runs `dash <script> <command>` with the given environment; never throws. */
  public run(script: string, command: string, env: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
    const file = this.path('robustmq.sh');
    fs.writeFileSync(file, script);
    const r = spawnSync('dash', [file, command], {
      env: { PATH: `${this.stubs}:/usr/bin:/bin`, TMPDIR: this.path('tmp'), ...env },
      encoding: 'utf8',
      timeout: 20_000,
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  public curlCalls(): string[] {
    return fs.existsSync(this.curlLog) ? fs.readFileSync(this.curlLog, 'utf8').split('\n').filter(Boolean) : [];
  }

  public dispose(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A fake broker-server: prints its arguments, whether credentials reached its environment, and its config. */
export function fakeServer(sandbox: PodSandbox): string {
  const file = sandbox.path('broker-server');
  fs.writeFileSync(file, '#!/bin/sh\necho "args: $*"\nenv | grep -c "^ROBUSTMQ_" | sed "s/^/credential env: /"\ncat "${1#--conf=}"\n', { mode: 0o755 });
  return file;
}

/** Credentials as the Secret gives them, with characters that need escaping in TOML and JSON. */
export const TEST_CREDENTIALS = {
  ROBUSTMQ_ADMIN_USERNAME: 'operator',
  ROBUSTMQ_ADMIN_PASSWORD: 'pa"ss\\word-7Yq2',
  ROBUSTMQ_ADMIN_JWT_SECRET: 'k3y-0123456789abcdef0123456789abcdef',
  ROBUSTMQ_MQTT_USERNAME: 'mqtt-super',
  ROBUSTMQ_MQTT_PASSWORD: "m'qtt-8Jd1",
};
