import { deploymentEnvironment, describeDeploymentContract } from '@ballast/testing';
import { NOTIFICATION_SERVICE, notificationConfigSchema } from './notification.config';

// The environments notification is deployed with (docker-compose.yml, deploy/k8s base and overlays)
// must pass the same validation as at boot: see describeDeploymentContract for the checks.
const fixture = describeDeploymentContract({
  service: NOTIFICATION_SERVICE,
  configSchema: notificationConfigSchema,
  databaseSchema: 'notification',
  httpPort: 3000,
  // Replicas split the consumer group's partitions and claim deliveries with SKIP LOCKED: two in
  // base and prod, one in dev; no autoscaler.
  scaling: {
    replicas: (target) => (target === 'overlays/dev' ? 1 : 2),
    autoscaled: false,
    podDisruptionBudget: true,
  },
  maxReplicas: {
    limit: (config) => config.KAFKA_TOPIC_PARTITIONS,
    reason: 'the consumed topics have partitions (the extra ones would idle)',
  },
});

describe('notification deployment secrets', () => {
  it.each(fixture.targets)(
    'deploy/k8s/$name keeps SMTP credentials and the API token out of the manifests',
    ({ resources }) => {
      // The optional Secret is not in the repository: the pod starts without those variables.
      const env = deploymentEnvironment(resources, NOTIFICATION_SERVICE);
      expect(env['SMTP_PASSWORD']).toBeUndefined();
      expect(env['NOTIFICATION_API_TOKEN']).toBeUndefined();
      expect(env['SMTP_HOST']).toBeDefined();
    },
  );

  it('docker-compose.yml keeps no SMTP password in the file', () => {
    expect(fixture.composeEnvironment['SMTP_PASSWORD']).toBeUndefined();
  });
});
