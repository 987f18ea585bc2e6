import path from 'node:path';
import {
  composeServiceEnvironment,
  describeDeploymentContract,
  findResource,
  loadComposeFile,
  loadKustomizeTargets,
  workloadContainer,
} from '@ballast/testing';
import { API_SERVICE, apiConfigSchema } from './api.config';

// The environments the api is deployed with (docker-compose.yml, deploy/k8s base and overlays)
// must pass the same validation as at boot: see describeDeploymentContract for the checks.
describeDeploymentContract({
  service: API_SERVICE,
  configSchema: apiConfigSchema,
  databaseSchema: 'api',
  // Stateless: two replicas in base, one in dev, a HorizontalPodAutoscaler in prod.
  scaling: {
    replicas: (target) => (target === 'base' ? 2 : 1),
    autoscaled: true,
    podDisruptionBudget: true,
  },
});

// Authentication credentials come from a Secret in Kubernetes (never the ConfigMap), each optional;
// the local stack and Compose start with a bootstrap admin key that passes the length rule.
describe('api deployment: authentication secrets', () => {
  const root = path.resolve(__dirname, '../../../..');
  const AUTH_VARIABLES = [
    'API_BOOTSTRAP_ADMIN_KEY',
    'JWT_SECRET',
    'JWT_PUBLIC_KEY',
    'JWT_ISSUER',
    'JWT_AUDIENCE',
  ];

  it.each(
    loadKustomizeTargets(path.join(root, 'deploy/k8s')).map(
      (target) => [target.name, target.resources] as const,
    ),
  )(
    '%s: every auth variable is an optional reference to the ballast-api-auth Secret',
    (_target, resources) => {
      const container = workloadContainer(findResource(resources, 'Deployment', API_SERVICE));
      const env =
        (container['env'] as { name: string; valueFrom?: { secretKeyRef?: Record<string, unknown> } }[]) ??
        [];
      for (const variable of AUTH_VARIABLES) {
        expect(env.find((entry) => entry.name === variable)?.valueFrom?.secretKeyRef).toEqual({
          name: 'ballast-api-auth',
          key: variable,
          optional: true,
        });
      }
    },
  );

  it('docker-compose gives the api a bootstrap admin key that the config accepts', () => {
    const environment = composeServiceEnvironment(
      loadComposeFile(path.join(root, 'docker-compose.yml')),
      API_SERVICE,
    );
    const config = apiConfigSchema.parse(environment);
    expect(config.API_BOOTSTRAP_ADMIN_KEY?.length).toBeGreaterThanOrEqual(32);
  });
});
