import { loadConfig } from '@ballast/platform-config';
import { describeDeploymentContract, deploymentEnvironment } from '@ballast/testing';
import { OPTIMIZER_SERVICE, optimizerConfigSchema } from './optimizer.config';

// The environments optimizer is deployed with (docker-compose.yml, deploy/k8s base and overlays)
// must pass the same validation as at boot: see describeDeploymentContract for the shared checks.
const { composeEnvironment, targets } = describeDeploymentContract({
  service: OPTIMIZER_SERVICE,
  configSchema: optimizerConfigSchema,
  databaseSchema: 'optimizer',
  httpPort: 3000,
  connectionVariables: ['KAFKA_BROKERS', 'DATABASE_URL', 'DATABASE_SCHEMA', 'REDIS_URL', 'MARKET_DATA_URL'],
  configMapVariables: ['KAFKA_BROKERS', 'REDIS_URL'],
  // Replicas split the portfolio-keyed partitions: two in base and prod, one in dev.
  scaling: {
    replicas: (target) => (target === 'overlays/dev' ? 1 : 2),
    autoscaled: false,
    podDisruptionBudget: true,
  },
  maxReplicas: {
    limit: (config) => config.KAFKA_TOPIC_PARTITIONS,
    reason: 'drift.detected and portfolio.state have partitions (the extra ones would idle)',
  },
});

describe('optimizer history settings', () => {
  it("docker-compose.yml: reads history from the market-data container's port", () => {
    expect(loadConfig(optimizerConfigSchema, composeEnvironment).MARKET_DATA_URL).toBe(
      'http://market-data:3000',
    );
  });

  it.each(targets.map((target) => [target.name, target] as const))(
    "deploy/k8s/%s: reads history through market-data's Service",
    (_name, target) => {
      expect(
        loadConfig(optimizerConfigSchema, deploymentEnvironment(target.resources, OPTIMIZER_SERVICE))
          .MARKET_DATA_URL,
      ).toBe('http://market-data');
    },
  );
});
