export { WorkloadIdentity, WorkloadIdentityProps, IdentityEnv } from './identity/workload-identity';
export { RobustMqRole, RobustMqLogLevel } from './robustmq/facts';
export { RobustMqCluster, RobustMqClusterProps, PodSpreadPolicy } from './robustmq/cluster';
export { ServerTomlModel } from './robustmq/config';
