import path from 'node:path';
import { ConfigValidationError, loadConfig } from '@ballast/platform-config';
import {
  composeServiceEnvironment,
  deploymentEnvironment,
  findResource,
  type KubernetesResource,
  loadComposeFile,
  loadKustomizeTargets,
  podSpec,
  requiredVariables,
  withoutVariable,
  workloadContainer,
  workloadEnvironment,
} from '@ballast/testing';
import { MONITOR_SERVICE, monitorConfigSchema } from './monitor.config';

// The environments monitor is deployed with (docker-compose.yml, deploy/k8s base and overlays)
// must pass the same validation as at boot: a missing or malformed variable fails here, not in a pod.

// services/monitor/src/config -> repository root.
const repoRoot = path.resolve(__dirname, '../../../..');
const compose = loadComposeFile(path.join(repoRoot, 'docker-compose.yml'));
const targets = loadKustomizeTargets(path.join(repoRoot, 'deploy/k8s'));
const required = requiredVariables(monitorConfigSchema);
const MIGRATION_JOB = `${MONITOR_SERVICE}-migrate`;

describe('monitor deployment configuration', () => {
  it('requires the connection settings (nothing to check otherwise)', () => {
    expect(required).toEqual(expect.arrayContaining(['KAFKA_BROKERS', 'DATABASE_URL', 'DATABASE_SCHEMA']));
    expect(targets.map((target) => target.name)).toEqual(expect.arrayContaining(['base', 'overlays/prod']));
  });

  describe('docker-compose.yml', () => {
    const env = composeServiceEnvironment(compose, MONITOR_SERVICE);

    it('satisfies the config schema', () => {
      const config = loadConfig(monitorConfigSchema, env);
      expect(config.KAFKA_BROKERS).toEqual(['kafka:9092']);
      expect(config.DATABASE_SCHEMA).toBe('monitor');
      expect(config.HTTP_PORT).toBe(3000);
    });

    it.each(required)('fails naming %s once it is removed', (variable) => {
      expect(() => loadConfig(monitorConfigSchema, withoutVariable(env, variable))).toThrow(
        ConfigValidationError,
      );
      expect(() => loadConfig(monitorConfigSchema, withoutVariable(env, variable))).toThrow(
        `${variable}: is required`,
      );
    });
  });

  describe.each(targets)('deploy/k8s/$name', ({ name, resources }) => {
    const deployment = findResource(resources, 'Deployment', MONITOR_SERVICE);
    const container = workloadContainer(deployment, MONITOR_SERVICE);

    it('gives the Deployment an environment that satisfies the config schema', () => {
      const config = loadConfig(monitorConfigSchema, deploymentEnvironment(resources, MONITOR_SERVICE));
      expect(config.DATABASE_SCHEMA).toBe('monitor');
      expect(config.NODE_ENV).toBe('production');
      // The migration Job has run them before the rollout.
      expect(config.DATABASE_MIGRATE_ON_START).toBe(false);
      expect(container['env']).toContainEqual({
        name: 'SERVICE_INSTANCE_ID',
        valueFrom: { fieldRef: { fieldPath: 'metadata.name' } },
      });
    });

    it('fails naming KAFKA_BROKERS when the shared ConfigMap loses it', () => {
      const broken = resources.map((resource) =>
        resource.kind === 'ConfigMap' ? withoutData(resource, 'KAFKA_BROKERS') : resource,
      );
      expect(() => loadConfig(monitorConfigSchema, deploymentEnvironment(broken, MONITOR_SERVICE))).toThrow(
        'KAFKA_BROKERS: is required',
      );
    });

    it('migrates with the same image and a valid config, in a sync wave before the rollout', () => {
      const job = findResource(resources, 'Job', MIGRATION_JOB);
      const migrate = workloadContainer(job);
      expect(migrate['image']).toBe(container['image']);
      expect(migrate['command']).toEqual(['node', '--enable-source-maps', '/app/main.js', 'migrate']);
      expect(
        loadConfig(monitorConfigSchema, workloadEnvironment(resources, 'Job', MIGRATION_JOB)).DATABASE_SCHEMA,
      ).toBe('monitor');
      expect(job.metadata.annotations?.['argocd.argoproj.io/hook']).toBe('PreSync');
      expect(Number(job.metadata.annotations?.['argocd.argoproj.io/sync-wave'])).toBeLessThan(0);
    });

    it('probes the health endpoints, exposes metrics and runs non-root on a read-only filesystem', () => {
      expect(container['image']).toMatch(/^ghcr\.io\/ballast-dev\/ballast-monitor(:[\w.-]+)?$/);
      expect(container).toMatchObject({
        ports: [{ name: 'http', containerPort: 3000 }],
        startupProbe: { httpGet: { path: '/health/live', port: 'http' } },
        livenessProbe: { httpGet: { path: '/health/live', port: 'http' } },
        readinessProbe: { httpGet: { path: '/health/ready', port: 'http' } },
        securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
        resources: { requests: { cpu: expect.any(String), memory: expect.any(String) } },
      });
      expect(podSpec(deployment)).toMatchObject({
        terminationGracePeriodSeconds: 30,
        securityContext: { runAsNonRoot: true, runAsUser: 1000 },
      });
      expect(deployment['spec']).toMatchObject({
        template: {
          metadata: { annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/path': '/metrics' } },
        },
      });
    });

    it('keeps at most one pod down in a disruption, and is scaled by replicas or an autoscaler', () => {
      expect(findResource(resources, 'PodDisruptionBudget', MONITOR_SERVICE)['spec']).toMatchObject({
        maxUnavailable: 1,
        selector: { matchLabels: { 'app.kubernetes.io/name': MONITOR_SERVICE } },
      });
      const autoscaler = resources.find(
        (resource) =>
          resource.kind === 'HorizontalPodAutoscaler' && resource.metadata.name === MONITOR_SERVICE,
      );
      const replicas = (deployment['spec'] as { replicas?: number }).replicas;
      if (autoscaler) expect(replicas).toBeUndefined();
      else expect(replicas).toBe(name === 'base' ? 2 : 1);
      expect(findResource(resources, 'Service', MONITOR_SERVICE)['spec']).toMatchObject({
        selector: { 'app.kubernetes.io/name': MONITOR_SERVICE },
      });
    });

    it('never runs more replicas than portfolio.state has partitions (the extra ones would idle)', () => {
      const config = loadConfig(monitorConfigSchema, deploymentEnvironment(resources, MONITOR_SERVICE));
      const autoscaler = resources.find(
        (resource) =>
          resource.kind === 'HorizontalPodAutoscaler' && resource.metadata.name === MONITOR_SERVICE,
      );
      const most = autoscaler
        ? (autoscaler['spec'] as { maxReplicas: number }).maxReplicas
        : (deployment['spec'] as { replicas: number }).replicas;
      expect(most).toBeLessThanOrEqual(config.KAFKA_TOPIC_PARTITIONS);
    });
  });
});

function withoutData(configMap: KubernetesResource, key: string): KubernetesResource {
  const data = { ...(configMap['data'] as Record<string, string>) };
  delete data[key];
  return { ...configMap, data };
}
