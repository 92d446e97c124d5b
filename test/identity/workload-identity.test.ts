import * as kplus from 'cdk8s-plus-28';
import { IdentityEnv, WorkloadIdentity } from '../../src';
import { downwardField } from '../../src/identity/workload-identity';
import { refuse } from '../support/refuse';
import { validateAll } from '../support/schema';
import { objects, one, testChart } from '../support/synth';

function deployment() {
  const chart = testChart();
  const dep = new kplus.Deployment(chart, 'app', {
    containers: [{ name: 'main', image: 'nginx:1.27' }, { name: 'sidecar', image: 'busybox:1.36' }],
  });
  return { chart, dep };
}

const identity = new WorkloadIdentity({ serviceName: 'shop', clusterName: 'eu-1', version: '1.2.3', component: 'api' });

describe('WorkloadIdentity', () => {
  test('applies to any cdk8s-plus workload: env on every container, labels on the pod template', () => {
    const { chart, dep } = deployment();
    identity.applyTo(dep);
    const objs = objects(chart);
    validateAll(objs);
    const d = one(objs, 'Deployment');
    expect(d.spec.template.metadata.labels).toMatchObject({
      'app.kubernetes.io/name': 'shop',
      'app.kubernetes.io/instance': 'eu-1',
      'app.kubernetes.io/version': '1.2.3',
      'app.kubernetes.io/component': 'api',
      'app.kubernetes.io/part-of': 'shop',
      'app.kubernetes.io/managed-by': 'cdk8s',
    });
    for (const c of d.spec.template.spec.containers) {
      expect(c.env.map((e: any) => e.name)).toEqual([
        'POD_NAME', 'POD_NAMESPACE', 'NODE_NAME', 'POD_IP',
        'SERVICE_NAME', 'CLUSTER_NAME', 'APP_VERSION', 'OTEL_SERVICE_NAME', 'OTEL_RESOURCE_ATTRIBUTES',
      ]);
    }
    const env = Object.fromEntries(d.spec.template.spec.containers[0].env.map((e: any) => [e.name, e]));
    expect(env.NODE_NAME.valueFrom).toEqual({ fieldRef: { fieldPath: 'spec.nodeName' } });
    expect(env.OTEL_RESOURCE_ATTRIBUTES.value).toBe(
      'k8s.pod.name=$(POD_NAME),k8s.namespace.name=$(POD_NAMESPACE),k8s.node.name=$(NODE_NAME),'
      + 'service.name=shop,service.version=1.2.3,service.instance.id=$(POD_NAMESPACE).$(POD_NAME),service.namespace=eu-1');
  });

  test('only the containers given when a list is passed', () => {
    const { chart, dep } = deployment();
    identity.applyTo(dep, [dep.containers[0]]);
    const cs = one(objects(chart), 'Deployment').spec.template.spec.containers;
    expect(cs[0].env).toHaveLength(9);
    expect(cs[1].env).toBeUndefined();
  });

  test('applies to a bare Pod too', () => {
    const chart = testChart();
    const pod = new kplus.Pod(chart, 'pod', { containers: [{ image: 'nginx:1.27' }] });
    identity.applyTo(pod);
    const p = one(objects(chart), 'Pod');
    expect(p.metadata.labels['app.kubernetes.io/name']).toBe('shop');
    expect(p.spec.containers[0].env[0].name).toBe('POD_NAME');
  });

  test('applying twice, or over an identical variable, is harmless', () => {
    const { chart, dep } = deployment();
    dep.containers[0].env.addVariable('POD_NAME', kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_NAME));
    identity.applyTo(dep);
    identity.applyTo(dep);
    expect(one(objects(chart), 'Deployment').spec.template.spec.containers[0].env).toHaveLength(9);
  });

  test('extra downward-API fields and resource attributes', () => {
    const { chart, dep } = deployment();
    new WorkloadIdentity({
      serviceName: 'shop',
      clusterName: 'eu-1',
      version: '1.2.3',
      fieldRefs: { POD_UID: 'metadata.uid', TEAM: "metadata.labels['team']" },
      resourceAttributes: { 'deployment.environment': 'prod' },
    }).applyTo(dep);
    const env = one(objects(chart), 'Deployment').spec.template.spec.containers[0].env;
    expect(env.find((e: any) => e.name === 'TEAM').valueFrom.fieldRef.fieldPath).toBe("metadata.labels['team']");
    expect(env.find((e: any) => e.name === 'OTEL_RESOURCE_ATTRIBUTES').value).toMatch(/,deployment\.environment=prod$/);
  });

  test('lists the variables it sets', () => {
    expect(identity.environmentNames()).toEqual(Object.values(IdentityEnv));
    expect(identity.environment()).toHaveLength(9);
  });
});

describe('WorkloadIdentity refuses', () => {

  test('a variable the container already sets differently, naming container, variable and both values', () => {
    const { dep } = deployment();
    dep.containers[1].env.addVariable('SERVICE_NAME', kplus.EnvValue.fromValue('other'));
    refuse(() => identity.applyTo(dep),
      /^WorkloadIdentity 'test\/app': container 'sidecar' env SERVICE_NAME 'other' conflicts with the identity's value 'shop'/);
  });

  test('node labels, explaining the downward API and pointing to relabeling and the Fluent Bit filter', () => {
    const { dep } = deployment();
    refuse(() => new WorkloadIdentity({ serviceName: 's', clusterName: 'c', version: '1', fieldRefs: { ZONE: "node.metadata.labels['topology.kubernetes.io/zone']" } }).applyTo(dep),
      /fieldRefs.ZONE 'node.metadata.labels\['topology.kubernetes.io\/zone'\]' asks for node or namespace labels, which the downward API cannot expose.*ServiceMonitor.*Fluent Bit kubernetes filter/);
  });

  test('namespace labels', () => {
    const { dep } = deployment();
    refuse(() => new WorkloadIdentity({ serviceName: 's', clusterName: 'c', version: '1', fieldRefs: { TEAM: 'metadata.namespace.labels' } }).applyTo(dep),
      /asks for node or namespace labels/);
  });

  test('an unknown field path, listing what is allowed', () => {
    const { dep } = deployment();
    refuse(() => new WorkloadIdentity({ serviceName: 's', clusterName: 'c', version: '1', fieldRefs: { X: 'spec.containers' } }).applyTo(dep),
      /fieldRefs.X 'spec.containers' must be a downward-API field path: one of metadata.name/);
  });

  test('HOSTNAME, which Kubernetes sets to the pod name', () => {
    const { dep } = deployment();
    refuse(() => new WorkloadIdentity({ serviceName: 's', clusterName: 'c', version: '1', fieldRefs: { HOSTNAME: 'metadata.name' } }).applyTo(dep),
      /fieldRefs.HOSTNAME 'metadata.name' must not set HOSTNAME/);
  });

  test('redefining one of its own variables', () => {
    const { dep } = deployment();
    refuse(() => new WorkloadIdentity({ serviceName: 's', clusterName: 'c', version: '1', fieldRefs: { POD_NAME: 'metadata.uid' } }).applyTo(dep),
      /fieldRefs.POD_NAME 'metadata.uid' must not redefine POD_NAME/);
  });

  test('an invalid label value', () => {
    const { dep } = deployment();
    refuse(() => new WorkloadIdentity({ serviceName: 'my service', clusterName: 'c', version: '1' }).applyTo(dep),
      /serviceName 'my service' must be a label value/);
    refuse(() => new WorkloadIdentity({ serviceName: '', clusterName: 'c', version: '1' }).applyTo(dep),
      /serviceName '' must not be empty/);
  });

  test('a resource attribute that would break the list', () => {
    const { dep } = deployment();
    refuse(() => new WorkloadIdentity({ serviceName: 's', clusterName: 'c', version: '1', resourceAttributes: { team: 'a,b' } }).applyTo(dep),
      /resourceAttributes.team 'a,b' must have a key/);
  });
});

describe('downwardField', () => {
  test.each([
    'metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.serviceAccountName',
    'status.podIP', 'status.hostIP', "metadata.labels['app']", "metadata.annotations['x/y']",
  ])('allows %s', (p) => expect(downwardField(p)).toBeUndefined());
  test.each([
    "node.labels['zone']", 'spec.nodeName.labels', "namespace.metadata.labels['team']", 'metadata.namespace.labels',
  ])('refuses %s as node or namespace labels', (p) => expect(downwardField(p)).toMatch(/node or namespace labels/));
});
