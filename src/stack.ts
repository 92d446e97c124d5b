import { App, Chart } from 'cdk8s';
import { RobustMqCluster } from './robustmq/cluster';
import { ROBUSTMQ_DEFAULT_VERSION } from './robustmq/facts';

/**
 * The options of the default stack: what the CLI's flags and the example app set.
 */
export interface StackOptions {
  readonly namespace: string;
  readonly clusterName: string;
  readonly replicas: number;
  readonly robustmqVersion: string;
  readonly image?: string;
}

/** The defaults of the default stack. */
export const DEFAULT_STACK_OPTIONS: StackOptions = {
  namespace: 'robustmq',
  clusterName: 'robustmq-cluster',
  replicas: 3,
  robustmqVersion: ROBUSTMQ_DEFAULT_VERSION,
};

/** What buildStack placed in the app. */
export interface Stack {
  readonly charts: Chart[];
  readonly cluster: RobustMqCluster;
}

/**
 * Places the default stack in `app`: one chart per concern, each synthesized to its own file.
 * The CLI and the example app both call this, so they produce the same YAML.
 */
export function buildStack(app: App, options: Partial<StackOptions> = {}): Stack {
  const o: StackOptions = { ...DEFAULT_STACK_OPTIONS, ...options };
  const robustmq = new Chart(app, 'robustmq', { namespace: o.namespace });
  const cluster = new RobustMqCluster(robustmq, 'cluster', {
    clusterName: o.clusterName,
    replicas: o.replicas,
    version: o.robustmqVersion,
    image: o.image,
  });
  return { charts: [robustmq], cluster };
}
