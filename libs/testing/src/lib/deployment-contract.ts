import path from 'node:path';
import { ConfigValidationError, loadConfig } from '@ballast/platform-config';
import { type z } from 'zod';
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
} from './deploy-manifests';

/**
 * One contract test suite for every Ballast service's deployment (docker-compose.yml and
 * deploy/k8s base and overlays), in the manner of bennycode/trading-signals'
 * src/fixtures/testIndicatorContract.ts: each service's `*-deploy.spec.ts` calls
 * {@link describeDeploymentContract} with what differs between services and adds its own checks
 * after it. The environments must pass the same validation as at boot: a missing or malformed
 * variable fails here, not in a pod.
 */

/** The settings every service reads (commonEnv, kafkaEnv and databaseEnv of @ballast/platform-config). */
export interface DeployedServiceConfig {
  NODE_ENV: string;
  HTTP_PORT: number;
  KAFKA_BROKERS: string[];
  KAFKA_TOPIC_PARTITIONS: number;
  DATABASE_SCHEMA: string;
  DATABASE_MIGRATE_ON_START: boolean;
}

/** How a service's Deployment is scaled. */
export interface DeploymentScaling {
  /**
   * The Deployment's replica count in a kustomize target (`base`, `overlays/dev`, ...) when no
   * HorizontalPodAutoscaler owns it.
   */
  replicas: (target: string) => number;
  /**
   * Whether a HorizontalPodAutoscaler named after the service may own the replica count (the
   * Deployment then carries none). When false, no autoscaler may target the Deployment at all.
   */
  autoscaled: boolean;
  /** The Deployment's `strategy.type`, when it matters (a single writer needs `Recreate`). */
  strategy?: 'Recreate' | 'RollingUpdate';
  /** Checked when a PodDisruptionBudget is expected: at most one pod down in a disruption. */
  podDisruptionBudget: boolean;
}

/** A service's config schema: an object schema whose output holds {@link DeployedServiceConfig}. */
export type DeployedServiceSchema = z.ZodObject & z.ZodType<DeployedServiceConfig>;

export interface DeploymentContract<Schema extends DeployedServiceSchema> {
  /**
   * The service's name: its Compose service, Deployment, container, Service, PodDisruptionBudget
   * and `app.kubernetes.io/name` label; `<service>-migrate` is its migration Job.
   */
  service: string;
  /** The config schema the service validates its environment with at boot. */
  configSchema: Schema;
  /** DATABASE_SCHEMA of every environment. */
  databaseSchema: string;
  /**
   * Variables the schema must require, so that removing them is worth checking.
   * Default: KAFKA_BROKERS, DATABASE_URL, DATABASE_SCHEMA.
   */
  connectionVariables?: readonly string[];
  /**
   * Variables the Deployment takes from the shared ConfigMap: losing one must fail validation,
   * naming it. Default: KAFKA_BROKERS.
   */
  configMapVariables?: readonly string[];
  /** HTTP_PORT in docker-compose.yml and the container's `http` port. Default 3000. */
  httpPort?: number;
  /** The image repository, without tag. Default `ghcr.io/ballast-dev/ballast-<service>`. */
  imageName?: string;
  scaling: DeploymentScaling;
  /**
   * An upper bound on the replicas (the autoscaler's maxReplicas, else the replica count) taken
   * from the Deployment's config, and why, for the test name.
   */
  maxReplicas?: { limit: (config: z.output<Schema>) => number; reason: string };
  /** The repository root. Default: the one holding this library. */
  repoRoot?: string;
}

/** What the contract read, for a service spec's own checks. */
export interface DeploymentFixture {
  repoRoot: string;
  /** The Compose service's environment (docker-compose.yml). */
  composeEnvironment: Record<string, string>;
  /** The kustomize targets under deploy/k8s with their rendered resources. */
  targets: { name: string; dir: string; resources: KubernetesResource[] }[];
}

const DEFAULT_CONNECTION_VARIABLES = ['KAFKA_BROKERS', 'DATABASE_URL', 'DATABASE_SCHEMA'];
const MIGRATE_COMMAND = ['node', '--enable-source-maps', '/app/main.js', 'migrate'];
// libs/testing/src/lib -> repository root.
const REPOSITORY_ROOT = path.resolve(__dirname, '../../../..');

/**
 * Registers, under `describe('<service> deployment configuration')`, the checks every service's
 * deployment must pass; returns what it read so that the caller can add its own.
 */
export function describeDeploymentContract<Schema extends DeployedServiceSchema>(
  contract: DeploymentContract<Schema>,
): DeploymentFixture {
  const { service, configSchema, databaseSchema, scaling } = contract;
  const repoRoot = contract.repoRoot ?? REPOSITORY_ROOT;
  const httpPort = contract.httpPort ?? 3000;
  const imageName = contract.imageName ?? `ghcr.io/ballast-dev/ballast-${service}`;
  const connectionVariables = contract.connectionVariables ?? DEFAULT_CONNECTION_VARIABLES;
  const configMapVariables = contract.configMapVariables ?? ['KAFKA_BROKERS'];
  const migrationJob = `${service}-migrate`;

  const composeEnvironment = composeServiceEnvironment(
    loadComposeFile(path.join(repoRoot, 'docker-compose.yml')),
    service,
  );
  const targets = loadKustomizeTargets(path.join(repoRoot, 'deploy/k8s'));
  const required = requiredVariables(configSchema);
  const load = (env: Record<string, string>): z.output<Schema> => loadConfig(configSchema, env);

  describe(`${service} deployment configuration`, () => {
    it('requires the connection settings (nothing to check otherwise)', () => {
      expect(required).toEqual(expect.arrayContaining([...connectionVariables]));
      expect(targets.map((target) => target.name)).toEqual(expect.arrayContaining(['base', 'overlays/prod']));
    });

    describe('docker-compose.yml', () => {
      it('satisfies the config schema', () => {
        const config = load(composeEnvironment);
        expect(config.KAFKA_BROKERS).toEqual(['kafka:9092']);
        expect(config.DATABASE_SCHEMA).toBe(databaseSchema);
        expect(config.HTTP_PORT).toBe(httpPort);
      });

      it.each(required)('fails naming %s once it is removed', (variable) => {
        expect(() => load(withoutVariable(composeEnvironment, variable))).toThrow(ConfigValidationError);
        expect(() => load(withoutVariable(composeEnvironment, variable))).toThrow(`${variable}: is required`);
      });
    });

    describe.each(targets)('deploy/k8s/$name', ({ name, resources }) => {
      const deployment = findResource(resources, 'Deployment', service);
      const container = workloadContainer(deployment, service);
      const autoscaler = resources.find(
        (resource) =>
          resource.kind === 'HorizontalPodAutoscaler' &&
          (resource['spec'] as { scaleTargetRef?: { name?: string } }).scaleTargetRef?.name === service,
      );

      it('gives the Deployment an environment that satisfies the config schema', () => {
        const config = load(deploymentEnvironment(resources, service));
        expect(config.DATABASE_SCHEMA).toBe(databaseSchema);
        expect(config.NODE_ENV).toBe('production');
        // The migration Job has run them before the rollout.
        expect(config.DATABASE_MIGRATE_ON_START).toBe(false);
        expect(container['env']).toContainEqual({
          name: 'SERVICE_INSTANCE_ID',
          valueFrom: { fieldRef: { fieldPath: 'metadata.name' } },
        });
      });

      it.each(configMapVariables)('fails naming %s when the shared ConfigMap loses it', (variable) => {
        const broken = resources.map((resource) =>
          resource.kind === 'ConfigMap' ? withoutData(resource, variable) : resource,
        );
        expect(() => load(deploymentEnvironment(broken, service))).toThrow(`${variable}: is required`);
      });

      it('migrates with the same image and a valid config, in a sync wave before the rollout', () => {
        const job = findResource(resources, 'Job', migrationJob);
        const migrate = workloadContainer(job);
        expect(migrate['image']).toBe(container['image']);
        expect(migrate['command']).toEqual(MIGRATE_COMMAND);
        expect(load(workloadEnvironment(resources, 'Job', migrationJob)).DATABASE_SCHEMA).toBe(
          databaseSchema,
        );
        expect(job.metadata.annotations?.['argocd.argoproj.io/hook']).toBe('PreSync');
        expect(Number(job.metadata.annotations?.['argocd.argoproj.io/sync-wave'])).toBeLessThan(0);
      });

      it('probes the health endpoints, exposes metrics and runs non-root on a read-only filesystem', () => {
        expect(container['image']).toMatch(new RegExp(`^${escapeRegExp(imageName)}(:[\\w.-]+)?$`));
        expect(container).toMatchObject({
          ports: [{ name: 'http', containerPort: httpPort }],
          startupProbe: { httpGet: { path: '/health/live', port: 'http' } },
          livenessProbe: { httpGet: { path: '/health/live', port: 'http' } },
          readinessProbe: { httpGet: { path: '/health/ready', port: 'http' } },
          securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
          resources: {
            requests: { cpu: expect.any(String) as unknown, memory: expect.any(String) as unknown },
          },
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

      it('is reachable through a Service selecting its pods', () => {
        expect(findResource(resources, 'Service', service)['spec']).toMatchObject({
          selector: { 'app.kubernetes.io/name': service },
        });
      });

      if (scaling.podDisruptionBudget) {
        it('keeps at most one pod down in a disruption', () => {
          expect(findResource(resources, 'PodDisruptionBudget', service)['spec']).toMatchObject({
            maxUnavailable: 1,
            selector: { matchLabels: { 'app.kubernetes.io/name': service } },
          });
        });
      }

      const expectedReplicas = scaling.replicas(name);
      it(
        scaling.autoscaled
          ? `is scaled by an autoscaler or runs ${expectedReplicas} replica(s)`
          : `runs exactly ${expectedReplicas} replica(s), never scaled by an autoscaler`,
        () => {
          const replicas = (deployment['spec'] as { replicas?: number }).replicas;
          if (scaling.autoscaled && autoscaler) {
            // The autoscaler owns the count: re-applying the manifests must not reset it.
            expect(autoscaler.metadata.name).toBe(service);
            expect(replicas).toBeUndefined();
          } else {
            expect(replicas).toBe(expectedReplicas);
          }
          if (!scaling.autoscaled) expect(autoscaler).toBeUndefined();
          if (scaling.strategy) {
            expect(deployment['spec']).toMatchObject({ strategy: { type: scaling.strategy } });
          }
        },
      );

      const maxReplicas = contract.maxReplicas;
      if (maxReplicas) {
        it(`never runs more replicas than ${maxReplicas.reason}`, () => {
          const config = load(deploymentEnvironment(resources, service));
          const most = autoscaler
            ? (autoscaler['spec'] as { maxReplicas: number }).maxReplicas
            : (deployment['spec'] as { replicas: number }).replicas;
          expect(most).toBeLessThanOrEqual(maxReplicas.limit(config));
        });
      }
    });
  });

  return { repoRoot, composeEnvironment, targets };
}

/** A copy of a ConfigMap without one key. */
export function withoutData(configMap: KubernetesResource, key: string): KubernetesResource {
  const data = { ...(configMap['data'] as Record<string, string>) };
  delete data[key];
  return { ...configMap, data };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
