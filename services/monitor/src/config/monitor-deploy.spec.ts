import { describeDeploymentContract } from '@ballast/testing';
import { MONITOR_SERVICE, monitorConfigSchema } from './monitor.config';

// The environments monitor is deployed with (docker-compose.yml, deploy/k8s base and overlays)
// must pass the same validation as at boot: see describeDeploymentContract for the checks.
describeDeploymentContract({
  service: MONITOR_SERVICE,
  configSchema: monitorConfigSchema,
  databaseSchema: 'monitor',
  // Replicas split portfolio.state between them: two in base, one in dev, an autoscaler in prod.
  scaling: {
    replicas: (target) => (target === 'base' ? 2 : 1),
    autoscaled: true,
    podDisruptionBudget: true,
  },
  maxReplicas: {
    limit: (config) => config.KAFKA_TOPIC_PARTITIONS,
    reason: 'portfolio.state has partitions (the extra ones would idle)',
  },
});
