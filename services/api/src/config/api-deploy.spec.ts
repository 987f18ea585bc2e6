import { describeDeploymentContract } from '@ballast/testing';
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
