/**
 * Validates synthesized objects against the Kubernetes and Prometheus-Operator JSON schemas
 * shipped by kubernetes-models. Every object must have a known schema: an unknown kind fails.
 */
export function validateObject(obj: any): void {
  const apiVersion: string = obj.apiVersion;
  const kind: string = obj.kind;
  let mod: any;
  if (apiVersion.startsWith('monitoring.coreos.com/')) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require(`@kubernetes-models/prometheus-operator/${apiVersion}`);
  } else {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require(`kubernetes-models/${apiVersion}`);
  }
  const Model = mod[kind];
  if (typeof Model !== 'function') {
    throw new Error(`no schema for ${apiVersion} ${kind}`);
  }
  new Model(obj).validate();
}

export function validateAll(objects: any[]): void {
  for (const obj of objects) {
    try {
      validateObject(obj);
    } catch (e: any) {
      throw new Error(`${obj.kind} ${obj.metadata?.name}: ${e.message}`);
    }
  }
}
