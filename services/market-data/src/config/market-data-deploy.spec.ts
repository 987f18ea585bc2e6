import { existsSync } from 'node:fs';
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
import { MARKET_DATA_SERVICE, marketDataConfigSchema } from './market-data.config';

// The environments market-data is deployed with (docker-compose.yml, deploy/k8s base and overlays)
// must pass the same validation as at boot: a missing or malformed variable fails here, not in a pod.

// services/market-data/src/config -> repository root.
const repoRoot = path.resolve(__dirname, '../../../..');
const compose = loadComposeFile(path.join(repoRoot, 'docker-compose.yml'));
const targets = loadKustomizeTargets(path.join(repoRoot, 'deploy/k8s'));
const required = requiredVariables(marketDataConfigSchema);
const MIGRATION_JOB = `${MARKET_DATA_SERVICE}-migrate`;
/**
 * Where the image holds the service's assets: deploy/build-service.mjs copies
 * services/market-data/assets to dist/market-data/services/market-data/assets, and the
 * Dockerfile copies dist/market-data to /app/dist/market-data.
 */
const IMAGE_ASSETS_DIR = '/app/dist/market-data/services/market-data/assets';

/** The replay settings must name a file that the image actually holds. */
function expectReplayFileInImage(config: { REPLAY_DIR: string; REPLAY_AUTOSTART_FILE?: string | undefined }) {
  expect(config.REPLAY_DIR).toBe(IMAGE_ASSETS_DIR);
  if (config.REPLAY_AUTOSTART_FILE !== undefined) {
    const inRepository = path.join(repoRoot, 'services/market-data/assets', config.REPLAY_AUTOSTART_FILE);
    expect([inRepository, existsSync(inRepository)]).toEqual([inRepository, true]);
  }
}

describe('market-data deployment configuration', () => {
  it('requires the connection settings (nothing to check otherwise)', () => {
    expect(required).toEqual(
      expect.arrayContaining(['KAFKA_BROKERS', 'DATABASE_URL', 'DATABASE_SCHEMA', 'REDIS_URL']),
    );
    expect(targets.map((target) => target.name)).toEqual(expect.arrayContaining(['base', 'overlays/prod']));
  });

  describe('docker-compose.yml', () => {
    const env = composeServiceEnvironment(compose, MARKET_DATA_SERVICE);

    it('satisfies the config schema and replays the bundled history from boot', () => {
      const config = loadConfig(marketDataConfigSchema, env);
      expect(config.KAFKA_BROKERS).toEqual(['kafka:9092']);
      expect(config.DATABASE_SCHEMA).toBe('market_data');
      expect(config.REDIS_URL).toBe('redis://redis:6379');
      expect(config.REPLAY_AUTOSTART_FILE).toBe('etf-prices-2008-2016.csv');
      expect(config.REPLAY_INTERVAL_MS).toBe(1_000);
      expectReplayFileInImage(config);
    });

    it.each(required)('fails naming %s once it is removed', (variable) => {
      expect(() => loadConfig(marketDataConfigSchema, withoutVariable(env, variable))).toThrow(
        ConfigValidationError,
      );
      expect(() => loadConfig(marketDataConfigSchema, withoutVariable(env, variable))).toThrow(
        `${variable}: is required`,
      );
    });
  });

  describe.each(targets)('deploy/k8s/$name', ({ resources }) => {
    const deployment = findResource(resources, 'Deployment', MARKET_DATA_SERVICE);
    const container = workloadContainer(deployment, MARKET_DATA_SERVICE);

    it('gives the Deployment an environment that satisfies the config schema', () => {
      const config = loadConfig(
        marketDataConfigSchema,
        deploymentEnvironment(resources, MARKET_DATA_SERVICE),
      );
      expect(config.DATABASE_SCHEMA).toBe('market_data');
      expect(config.NODE_ENV).toBe('production');
      // The migration Job has run them before the rollout.
      expect(config.DATABASE_MIGRATE_ON_START).toBe(false);
      expectReplayFileInImage(config);
      expect(container['env']).toContainEqual({
        name: 'SERVICE_INSTANCE_ID',
        valueFrom: { fieldRef: { fieldPath: 'metadata.name' } },
      });
    });

    it('fails naming REDIS_URL when the shared ConfigMap loses it', () => {
      const broken = resources.map((resource) =>
        resource.kind === 'ConfigMap' ? withoutData(resource, 'REDIS_URL') : resource,
      );
      expect(() =>
        loadConfig(marketDataConfigSchema, deploymentEnvironment(broken, MARKET_DATA_SERVICE)),
      ).toThrow('REDIS_URL: is required');
    });

    it('migrates with the same image and a valid config, in a sync wave before the rollout', () => {
      const job = findResource(resources, 'Job', MIGRATION_JOB);
      const migrate = workloadContainer(job);
      expect(migrate['image']).toBe(container['image']);
      expect(migrate['command']).toEqual(['node', '--enable-source-maps', '/app/main.js', 'migrate']);
      const config = loadConfig(marketDataConfigSchema, workloadEnvironment(resources, 'Job', MIGRATION_JOB));
      expect(config.DATABASE_SCHEMA).toBe('market_data');
      // Boot starts no replay in migrate mode, but the Job must not carry the setting either.
      expect(config.REPLAY_AUTOSTART_FILE).toBeUndefined();
      expect(job.metadata.annotations?.['argocd.argoproj.io/hook']).toBe('PreSync');
      expect(Number(job.metadata.annotations?.['argocd.argoproj.io/sync-wave'])).toBeLessThan(0);
    });

    it('probes the health endpoints, exposes metrics and runs non-root on a read-only filesystem', () => {
      expect(container['image']).toMatch(/^ghcr\.io\/ballast-dev\/ballast-market-data(:[\w.-]+)?$/);
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
      expect(findResource(resources, 'Service', MARKET_DATA_SERVICE)['spec']).toMatchObject({
        selector: { 'app.kubernetes.io/name': MARKET_DATA_SERVICE },
      });
    });

    it('runs exactly one replica, never two side by side: the replay provider is a single writer', () => {
      expect(deployment['spec']).toMatchObject({ replicas: 1, strategy: { type: 'Recreate' } });
      expect(
        resources.filter(
          (resource) =>
            resource.kind === 'HorizontalPodAutoscaler' &&
            (resource['spec'] as { scaleTargetRef?: { name?: string } }).scaleTargetRef?.name ===
              MARKET_DATA_SERVICE,
        ),
      ).toEqual([]);
    });
  });
});

function withoutData(configMap: KubernetesResource, key: string): KubernetesResource {
  const data = { ...(configMap['data'] as Record<string, string>) };
  delete data[key];
  return { ...configMap, data };
}
