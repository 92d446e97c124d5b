import { createHash } from 'crypto';
import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { LogIndexTemplate } from './es-template';
import { ELASTICSEARCH_CREDENTIAL_ENV, ElasticsearchConnection, credentialEnv } from '../elasticsearch/connection';
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
      'install.sh': INSTALL_SCRIPT,
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
