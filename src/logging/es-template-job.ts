import { createHash } from 'crypto';
import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { LogIndexTemplate } from './es-template';
import { ELASTICSEARCH_CREDENTIAL_ENV, ElasticsearchConnection, SearchEngine, credentialEnv } from '../elasticsearch/connection';
import { renderDeclaredPortsPolicy } from '../network-policy';
import { removeAddressLabelFromPods, restrictedSecurityContext } from '../pods';

/** Where the installer's files are mounted. */
const CONFIG_DIR = '/es-template';
/** Where a CA certificate for Elasticsearch is mounted. */
const TLS_DIR = '/es-template-tls';
/** The unprivileged user the installer runs as (`nobody`). */
const NOBODY = 65534;

/**
 * The installer: PUT the ILM policy (daily indices only), then the index template. A PUT of the
 * same body is idempotent, so a rerun (a retry, a re-applied manifest) changes nothing.
 * Credentials reach curl through a config on stdin, never on its command line.
 */
const INSTALL_SCRIPT = `#!/bin/sh
# Installs the RobustMQ log index template (and its ILM policy) into Elasticsearch.
# Idempotent: PUT with the same body leaves Elasticsearch as it was.
set -eu
esc() { printf '%s' "$1" | sed 's/[\\\\"]/\\\\&/g'; }
put() {
  echo "PUT $1"
  {
    if [ -n "\${${ELASTICSEARCH_CREDENTIAL_ENV.username}:-}" ]; then
      printf 'user = "%s:%s"\\n' "$(esc "$${ELASTICSEARCH_CREDENTIAL_ENV.username}")" "$(esc "$${ELASTICSEARCH_CREDENTIAL_ENV.password}")"
    fi
  } | curl --config - --fail-with-body --silent --show-error --max-time 30 \\
    --retry 5 --retry-all-errors --retry-delay 5 $ES_TLS_OPTIONS \\
    -X PUT -H 'Content-Type: application/json' --data-binary "@${CONFIG_DIR}/$2" "$ES_URL/$1"
  echo
}
if [ -n "\${POLICY_NAME:-}" ]; then put "_ilm/policy/$POLICY_NAME" policy.json; fi
put "_index_template/$TEMPLATE_NAME" template.json
`;

/**
 * The OpenSearch installer: the index template as for Elasticsearch, and the ISM policy created
 * when missing or else updated with the `if_seq_no` and `if_primary_term` a GET of it answers: ISM
 * refuses a PUT of an existing policy without them ("Update policy", opensearch-project/
 * documentation-website `_im-plugin/ism/api.md`; the GET answers both, "Get policy"). A rerun
 * leaves the same policy (a new version of the same body); a lost race with another writer fails
 * the PUT (409), and the Job's next attempt reads the numbers again.
 */
const OPENSEARCH_INSTALL_SCRIPT = `#!/bin/sh
# Installs the RobustMQ log index template (and its ISM policy) into OpenSearch.
# Idempotent: the template PUT with the same body leaves OpenSearch as it was; the ISM policy is
# created when missing and otherwise updated with its current if_seq_no and if_primary_term.
set -eu
esc() { printf '%s' "$1" | sed 's/[\\\\"]/\\\\&/g'; }
auth() {
  if [ -n "\${${ELASTICSEARCH_CREDENTIAL_ENV.username}:-}" ]; then
    printf 'user = "%s:%s"\\n' "$(esc "$${ELASTICSEARCH_CREDENTIAL_ENV.username}")" "$(esc "$${ELASTICSEARCH_CREDENTIAL_ENV.password}")"
  fi
}
put() {
  echo "PUT $1"
  auth | curl --config - --fail-with-body --silent --show-error --max-time 30 \\
    --retry 5 --retry-all-errors --retry-delay 5 $ES_TLS_OPTIONS \\
    -X PUT -H 'Content-Type: application/json' --data-binary "@${CONFIG_DIR}/$2" "$ES_URL/$1"
  echo
}
ism_policy() {
  path="_plugins/_ism/policies/$POLICY_NAME"
  echo "GET $path"
  reply=$(auth | curl --config - --silent --show-error --max-time 30 \\
    --retry 5 --retry-delay 5 $ES_TLS_OPTIONS \\
    -w '\\nHTTP_STATUS %{http_code}' "$ES_URL/$path")
  status=$(printf '%s\\n' "$reply" | sed -n 's/^HTTP_STATUS \\([0-9][0-9]*\\)$/\\1/p' | tail -n 1)
  case "$status" in
    404) put "$path" policy.json ;;
    200)
      seq=$(printf '%s' "$reply" | sed -n 's/.*"_seq_no" *: *\\([0-9][0-9]*\\).*/\\1/p' | head -n 1)
      term=$(printf '%s' "$reply" | sed -n 's/.*"_primary_term" *: *\\([0-9][0-9]*\\).*/\\1/p' | head -n 1)
      if [ -z "$seq" ] || [ -z "$term" ]; then
        echo "GET $path: no _seq_no and _primary_term in the reply" >&2
        exit 1
      fi
      put "$path?if_seq_no=$seq&if_primary_term=$term" policy.json ;;
    *)
      printf 'GET %s failed:\\n%s\\n' "$path" "$reply" >&2
      exit 1 ;;
  esac
}
if [ -n "\${POLICY_NAME:-}" ]; then ism_policy; fi
put "_index_template/$TEMPLATE_NAME" template.json
`;

/** The installer script of an engine. */
export function installScript(engine: SearchEngine): string {
  return engine === SearchEngine.OPENSEARCH ? OPENSEARCH_INSTALL_SCRIPT : INSTALL_SCRIPT;
}

/** What the installer Job is built from. */
export interface IndexTemplateJobOptions {
  readonly name: string;
  readonly namespace: string;
  readonly labels: { [key: string]: string };
  readonly image: string;
  readonly connection: ElasticsearchConnection;
  readonly template: LogIndexTemplate;
  /** Emit a NetworkPolicy that admits no ingress to the installer's pod (it listens on nothing). */
  readonly networkPolicy: boolean;
}

/**
 * A Job that installs the index template (and ILM policy) with curl, with the credentials of
 * the same Secret Fluent Bit uses. Non-root, read-only root filesystem, no capabilities,
 * RuntimeDefault seccomp, no service account token; retried by its backoffLimit. Its name
 * carries a hash of what it installs, so a changed template is a new Job (a Job's pod template
 * cannot be changed in place) and an unchanged one is the same Job.
 */
export class IndexTemplateJob extends Construct {
  /** The Job. */
  public readonly job: kplus.Job;
  /** The installer's files: the template, the policy and the script. */
  public readonly configMap: kplus.ConfigMap;

  constructor(scope: Construct, id: string, o: IndexTemplateJobOptions) {
    super(scope, id);
    const data: { [file: string]: string } = {
      'install.sh': installScript(o.connection.engine),
      'template.json': `${JSON.stringify(o.template.template, null, 2)}\n`,
    };
    if (o.template.policy) data['policy.json'] = `${JSON.stringify(o.template.policy, null, 2)}\n`;
    const url = o.connection.url.replace(/\/+$/, '');
    const hash = createHash('sha256')
      .update([url, o.image, ...Object.entries(data).map(([k, v]) => `${k}\n${v}`)].join('\n'))
      .digest('hex').slice(0, 8);
    const base = `${o.name.slice(0, 42).replace(/-+$/, '')}-es-template`;
    // Not Fluent Bit's selector labels: its Service must not select the installer's pod.
    const labels: { [key: string]: string } = {
      ...o.labels,
      'app.kubernetes.io/name': 'elasticsearch-index-template',
      'app.kubernetes.io/component': 'elasticsearch-setup',
    };
    delete labels['app.kubernetes.io/version'];

    this.configMap = new kplus.ConfigMap(this, 'Files', {
      metadata: { name: base, namespace: o.namespace, labels },
      data,
    });

    this.job = new kplus.Job(this, 'Job', {
      metadata: { name: `${base}-${hash}`, namespace: o.namespace, labels },
      podMetadata: { labels },
      backoffLimit: 6,
      activeDeadline: Duration.minutes(15),
      securityContext: { ensureNonRoot: true, user: NOBODY, group: NOBODY },
      automountServiceAccountToken: false,
    });

    const files = kplus.Volume.fromConfigMap(this, 'FilesVolume', this.configMap, { name: 'files' });
    const mounts: kplus.VolumeMount[] = [{ path: CONFIG_DIR, volume: files, readOnly: true }];
    const tlsOptions: string[] = [];
    if (o.connection.tls) {
      if (!o.connection.tlsVerify) tlsOptions.push('--insecure');
      const ca = o.connection.caSecret;
      if (ca) {
        const volume = kplus.Volume.fromSecret(this, 'CaVolume', kplus.Secret.fromSecretName(this, 'CaSecret', ca.name),
          { name: 'elasticsearch-ca', items: { [ca.key]: { path: 'ca.crt' } } });
        mounts.push({ path: TLS_DIR, volume, readOnly: true });
        tlsOptions.push('--cacert', `${TLS_DIR}/ca.crt`);
      }
    }
    const env: { [name: string]: kplus.EnvValue } = {
      ES_URL: kplus.EnvValue.fromValue(url),
      ES_TLS_OPTIONS: kplus.EnvValue.fromValue(tlsOptions.join(' ')),
      TEMPLATE_NAME: kplus.EnvValue.fromValue(o.template.templateName),
      ...credentialEnv(this, 'ElasticsearchSecret', o.connection),
    };
    if (o.template.policyName) env.POLICY_NAME = kplus.EnvValue.fromValue(o.template.policyName);

    // cdk8s-plus labels pods with its construct-address label; keep the stable labels only.
    removeAddressLabelFromPods(this.job);
    if (o.networkPolicy) {
      new kplus.k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
        metadata: { name: base, namespace: o.namespace, labels },
        spec: renderDeclaredPortsPolicy(labels, []),
      });
    }

    this.job.addContainer({
      name: 'install',
      image: o.image,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      command: ['/bin/sh', `${CONFIG_DIR}/install.sh`],
      envVariables: env,
      securityContext: restrictedSecurityContext(NOBODY),
      resources: {
        cpu: { request: kplus.Cpu.millis(10), limit: kplus.Cpu.millis(200) },
        memory: { request: Size.mebibytes(16), limit: Size.mebibytes(64) },
      },
      volumeMounts: mounts,
    });
  }
}
