import { Problem } from './errors';
import { byCodePoint } from '../order';

/**
 * Pure checks shared by the constructs and the CLI. Each returns undefined for a good value
 * or the problem in words ("must be ...") naming what is allowed.
 */

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/;
// An OCI image reference: optional registry (a host with a dot, localhost, or host:port), then :tag and/or @digest.
const IMAGE = /^(?:(?:localhost|[a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)+)(?::[0-9]+)?\/|[a-zA-Z0-9-]+:[0-9]+\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;
const QUANTITY = /^([+]?[0-9.]+)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E|m)?$/;

/** A DNS-1123 label: the rule for namespaces, Service names and most object names. */
/**
 * cdk8s writes YAML 1.1, where `0o17` is a plain string, and so leaves it unquoted; kubectl's
 * YAML reader (sigs.k8s.io/yaml) takes it as the octal number 15, and refuses the object
 * ("cannot unmarshal number into ... of type string", seen with kubectl 1.34.4). Every other
 * YAML 1.1 non-string (yes, on, 017, 0x1F, 1_000, 1e3) cdk8s quotes, so this is the one form to
 * keep out of names and label values.
 */
const YAML_OCTAL = /^[-+]?0[oO][0-7_]+$/;

function yamlOctalProblem(value: string): Problem {
  return YAML_OCTAL.test(value)
    ? 'must not read as a YAML octal number like \'0o17\': cdk8s writes it unquoted and kubectl reads it back as a number'
    : undefined;
}

export function dnsLabel(value: string, maxLength = 63): Problem {
  if (typeof value !== 'string' || value.length === 0 || value.length > maxLength || !DNS_LABEL.test(value)) {
    return `must be a DNS-1123 label: at most ${maxLength} characters of lower-case letters, digits and '-', starting and ending with a letter or digit`;
  }
  return yamlOctalProblem(value);
}

const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/**
 * A DNS-1035 label: the rule for Service names (Kubernetes refuses a Service whose name starts
 * with a digit), so for every name a Service is made from.
 */
export function dns1035Label(value: string, maxLength = 63): Problem {
  if (typeof value !== 'string' || value.length === 0 || value.length > maxLength || !DNS_1035_LABEL.test(value)) {
    return `must be a DNS-1035 label (it names Services): at most ${maxLength} characters of lower-case letters, digits and '-', starting with a letter and ending with a letter or digit`;
  }
  return undefined;
}

/** A DNS-1123 subdomain: the rule for ConfigMap and cluster-domain names. */
export function dnsSubdomain(value: string): Problem {
  if (typeof value !== 'string' || value.length === 0 || value.length > 253 || !DNS_SUBDOMAIN.test(value)) {
    return "must be a DNS-1123 subdomain: at most 253 characters of lower-case letters, digits, '-' and '.', starting and ending with a letter or digit";
  }
  return yamlOctalProblem(value);
}

/** A Kubernetes label value (may be empty). */
export function labelValue(value: string): Problem {
  if (typeof value !== 'string' || value.length > 63 || !LABEL_VALUE.test(value)) {
    return "must be a label value: at most 63 characters of letters, digits, '-', '_' and '.', starting and ending with a letter or digit";
  }
  return yamlOctalProblem(value);
}

/** A Kubernetes label key, with an optional DNS-subdomain prefix. */
export function labelKey(value: string): Problem {
  const allowed = "must be a label key: an optional DNS subdomain prefix and '/', then at most 63 characters of letters, digits, '-', '_' and '.', starting and ending with a letter or digit";
  if (typeof value !== 'string') return allowed;
  const slash = value.lastIndexOf('/');
  const prefix = slash >= 0 ? value.slice(0, slash) : undefined;
  const name = slash >= 0 ? value.slice(slash + 1) : value;
  if (prefix !== undefined && dnsSubdomain(prefix) !== undefined) return allowed;
  if (name.length === 0 || name.length > 63 || !LABEL_NAME.test(name)) return allowed;
  return undefined;
}

/**
 * A key of the user's extra labels (already a label key) on objects whose labels the library also
 * sets (`ours`): not one of ours. Ours select and identify the objects (a Service's selector, a
 * monitor's, the dashboards' variables), so a user value would be replaced, or break them.
 */
export function userLabelKey(value: string, ours: { readonly [key: string]: string }): Problem {
  return Object.prototype.hasOwnProperty.call(ours, value)
    ? `is a label this library sets (to '${ours[value]}') to select and identify its objects: choose another key (the library's keys are ${Object.keys(ours).sort(byCodePoint).join(', ')})`
    : undefined;
}

/** A boolean: `true` or `false` (the string 'false' is truthy in JavaScript, so it is refused). */
export function boolean(value: unknown): Problem {
  if (typeof value === 'boolean') return undefined;
  return typeof value === 'string' ? 'must be true or false, not a string' : 'must be true or false';
}

/** A container environment variable name. */
export function envName(value: string): Problem {
  if (typeof value !== 'string' || !ENV_NAME.test(value)) {
    return "must be an environment variable name: letters, digits, '_', '-' and '.', not starting with a digit";
  }
  return undefined;
}

/** A whole number within [min, max]. */
export function integer(value: number, min: number, max = Number.MAX_SAFE_INTEGER): Problem {
  if (typeof value === 'string') {
    return `must be a number, not a string${max === Number.MAX_SAFE_INTEGER ? ` (a whole number of at least ${min})` : ` (a whole number from ${min} to ${max})`}`;
  }
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    return max === Number.MAX_SAFE_INTEGER
      ? `must be a whole number of at least ${min}`
      : `must be a whole number from ${min} to ${max}`;
  }
  return undefined;
}

/** A release version such as `0.4.11` (a leading `v` is not part of it). */
export function version(value: string): Problem {
  if (typeof value !== 'string' || !SEMVER.test(value)) {
    return "must be a release version MAJOR.MINOR.PATCH such as '0.4.11' (no leading 'v')";
  }
  return undefined;
}

/** A container image reference such as `ghcr.io/robustmq/robustmq:v0.4.11`. */
export function image(value: string): Problem {
  if (typeof value !== 'string' || value.length === 0 || value.length > 255 || !IMAGE.test(value)) {
    return "must be a container image reference such as 'ghcr.io/robustmq/robustmq:v0.4.11': lower-case registry path, optional ':tag' and '@sha256:digest'";
  }
  return undefined;
}

/** A storage quantity in bytes such as `10Gi` or `500Mi`, greater than zero. */
export function storageQuantity(value: string): Problem {
  const m = typeof value === 'string' ? QUANTITY.exec(value) : null;
  if (!m || !(Number(m[1]) > 0) || m[2] === 'm') {
    return "must be a positive storage quantity such as '10Gi', '500Mi' or '1T'";
  }
  return undefined;
}

/** One of a fixed set of values. */
export function oneOf(value: string, allowed: readonly string[]): Problem {
  if (!allowed.includes(value)) {
    return `must be one of ${allowed.map((a) => `'${a}'`).join(', ')}`;
  }
  return undefined;
}

/** A key of a Kubernetes Secret (or ConfigMap). */
export function secretKey(value: string): Problem {
  if (typeof value !== 'string' || value.length === 0 || value.length > 253 || !/^[-._a-zA-Z0-9]+$/.test(value)) {
    return "must be a Secret key: at most 253 letters, digits, '-', '_' and '.'";
  }
  return undefined;
}

/** A Prometheus label name that a user may set: not starting with a digit or `__`. */
export function prometheusLabelName(value: string): Problem {
  if (typeof value !== 'string' || !/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(value) || value.startsWith('__')) {
    return "must be a Prometheus label name: letters, digits and '_', not starting with a digit or '__'";
  }
  return undefined;
}

/** A Prometheus metric name: letters, digits, '_' and ':', not starting with a digit. */
export function metricName(value: string): Problem {
  if (typeof value !== 'string' || !/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(value)) {
    return "must be a Prometheus metric name: letters, digits, '_' and ':', not starting with a digit";
  }
  return undefined;
}

/** A regular expression that can stand inside a double-quoted PromQL label matcher. */
export function promqlRegex(value: string): Problem {
  try {
    new RegExp(value);
  } catch {
    return 'must be a regular expression';
  }
  if (/["\\]/.test(value)) return "must not contain '\"' or '\\'";
  return undefined;
}

/** An http(s) URL with a host, an optional port and path, no query or fragment (Grafana's, a datasource's). */
export function httpUrl(value: string, example = 'https://grafana.example.com'): Problem {
  const m = typeof value === 'string' ? /^https?:\/\/([^\s/?#]+)(\/[^\s?#]*)?$/.exec(value) : null;
  if (!m) return `must be an http(s) URL such as '${example}'`;
  // Prometheus expands annotations (where dashboard links go) as Go templates.
  if (/\{\{|\}\}/.test(value)) return "must not contain '{{' or '}}': Prometheus would read them as a template action";
  const hostPort = /^(?:[^@]*@)?(\[[0-9A-Fa-f:.]+\]|[^:]+)(?::(\d*))?$/.exec(m[1]);
  if (!hostPort) return `must be an http(s) URL such as '${example}'`;
  const [, host, port] = hostPort;
  if (port !== undefined && (port === '' || Number(port) < 1 || Number(port) > 65535)) {
    return `must be an http(s) URL with a port from 1 to 65535, such as '${example}'`;
  }
  if (!host.startsWith('[') && !/^(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*\.?$/.test(host)) {
    return `must be an http(s) URL whose host is a DNS name or an IP address, such as '${example}'`;
  }
  return undefined;
}

/** An HTTP path: starts with '/', no spaces, query or fragment. */
export function httpPath(value: string): Problem {
  if (typeof value !== 'string' || !/^\/[A-Za-z0-9._~/%+-]*$/.test(value)) {
    return "must be an HTTP path starting with '/'";
  }
  return undefined;
}

/**
 * A Grafana folder name. The dashboard sidecar writes each dashboard to
 * `os.path.join(<its folder>, <folder annotation>)` (kiwigrid/k8s-sidecar src/resources.py,
 * `_get_destination_folder`; an absolute annotation is taken as it is), so `/` and `..` would put
 * it outside its directory, `.` beside the others, and a control character in a folder name is
 * not a folder Grafana shows.
 */
export function grafanaFolder(value: string): Problem {
  // eslint-disable-next-line no-control-regex
  if (typeof value !== 'string' || value.trim() === '' || value.length > 100 || /[/\\\u0000-\u001f\u007f]/.test(value) || value === '.' || value === '..') {
    return "must be a folder name of 1 to 100 characters without '/', '\\' or control characters, and not '.' or '..'";
  }
  return undefined;
}

/** A Kubernetes port name (IANA_SVC_NAME): at most 15 lower-case letters, digits and '-', with a letter. */
export function portName(value: string): Problem {
  if (typeof value !== 'string' || value.length === 0 || value.length > 15 || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(value)
    || !/[a-z]/.test(value) || value.includes('--')) {
    return "must be a port name: at most 15 lower-case letters, digits and '-', with at least one letter, no '--'";
  }
  return undefined;
}

/** The start of pod names `<prefix>-<ordinal>`: a DNS-1123 subdomain of at most 240 characters. */
export function podNamePrefix(value: string): Problem {
  if (typeof value !== 'string' || value.length > 240 || dnsSubdomain(value) !== undefined) {
    return "must be the start of a pod name: lower-case letters, digits, '-' and '.', starting and ending with a letter or digit, at most 240 characters";
  }
  return undefined;
}
