export {
  InfrastructureUnavailableError,
  portAnswers,
  resolveInfrastructure,
  type ResolvedService,
  type TestInfrastructure,
} from './lib/infrastructure';
export { waitFor, WaitTimeoutError } from './lib/wait-for';
export { KafkaTestClient, type ReceivedMessage } from './lib/kafka-test-client';
export { buildService, ServiceProcess } from './lib/service-process';
export { randomPort, uniqueRunId } from './lib/ids';
export { migrationRoundTrip, type MigrationRoundTrip } from './lib/migrations';
export {
  composeBuild,
  composeDependsOn,
  type ComposeFile,
  type ComposeService,
  composeService,
  composeServiceEnvironment,
  DeployManifestError,
  deploymentEnvironment,
  findResource,
  interpolateCompose,
  type KubernetesResource,
  kustomizeTargets,
  loadComposeFile,
  loadKustomizeTargets,
  loadKustomizeResources,
  podSpec,
  readYamlDocuments,
  referencedHosts,
  requiredVariables,
  SECRET_PLACEHOLDERS,
  strategicMerge,
  workloadContainer,
  workloadEnvironment,
  type WorkloadEnvironmentOptions,
  withoutVariable,
} from './lib/deploy-manifests';
export {
  type DeployedServiceConfig,
  type DeployedServiceSchema,
  type DeploymentContract,
  type DeploymentFixture,
  type DeploymentScaling,
  describeDeploymentContract,
  withoutData,
} from './lib/deployment-contract';
export { bench, type BenchResult, printTable } from './lib/bench';
