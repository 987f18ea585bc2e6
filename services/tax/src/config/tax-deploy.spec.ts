import { loadConfig } from '@ballast/platform-config';
import { describeDeploymentContract } from '@ballast/testing';
import { TAX_SERVICE, taxConfigSchema } from './tax.config';

// The environments tax is deployed with (docker-compose.yml, deploy/k8s base and overlays) must
// pass the same validation as at boot: see describeDeploymentContract for the shared checks.
const { composeEnvironment } = describeDeploymentContract({
  service: TAX_SERVICE,
  configSchema: taxConfigSchema,
  databaseSchema: 'tax',
  // Replicas split the portfolio-keyed partitions: two in base and prod, one in dev.
  scaling: {
    replicas: (target) => (target === 'overlays/dev' ? 1 : 2),
    autoscaled: false,
    podDisruptionBudget: true,
  },
  maxReplicas: {
    limit: (config) => config.KAFKA_TOPIC_PARTITIONS,
    reason: 'rebalance.proposed and portfolio.state have partitions (the extra ones would idle)',
  },
});

describe('tax approval settings', () => {
  it('docker-compose.yml: the documented defaults', () => {
    const config = loadConfig(taxConfigSchema, composeEnvironment);
    expect([
      config.WASH_SALE_RESOLUTION,
      config.APPROVAL_THRESHOLD_VALUE,
      config.APPROVAL_FOUR_EYES_VALUE,
      config.APPROVAL_EXPIRES_AFTER_MINUTES,
    ]).toEqual(['substitute', '10000', '100000', 1_440]);
  });
});
