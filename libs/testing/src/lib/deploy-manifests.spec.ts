import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import {
  composeBuild,
  composeDependsOn,
  type ComposeFile,
  composeServiceEnvironment,
  DeployManifestError,
  deploymentEnvironment,
  findResource,
  interpolateCompose,
  kustomizeTargets,
  loadComposeFile,
  loadKustomizeResources,
  loadKustomizeTargets,
  podSpec,
  referencedHosts,
  requiredVariables,
  SECRET_PLACEHOLDERS,
  strategicMerge,
  withoutVariable,
  workloadContainer,
  workloadEnvironment,
} from './deploy-manifests';

// Unit specs of the manifest readers on small inline fixtures; docker-compose.spec.ts and the
// services' *-deploy.spec.ts apply them to the real manifests.

let tmpRoot: string;

beforeAll(() => {
  tmpRoot = mkdtempSync(path.join(os.tmpdir(), 'ballast-deploy-manifests-'));
});

afterAll(() => {
  rmSync(tmpRoot, { recursive: true, force: true });
});

let fixtureCount = 0;

/** Writes `files` (relative path -> text) under a fresh folder of tmpRoot and returns the folder. */
function writeTree(files: Record<string, string>): string {
  fixtureCount += 1;
  const root = path.join(tmpRoot, `fixture-${fixtureCount}`);
  for (const [relative, text] of Object.entries(files)) {
    const file = path.join(root, relative);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  return root;
}

const DEPLOYMENT = `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  template:
    spec:
      containers:
        - name: web
          image: registry.example/team/web:1.0
          env:
            - name: MODE
              value: base
            - name: KEEP
              value: kept
        - name: sidecar
          image: registry.example/proxy@sha256:abc
`;

const CONFIG_MAP = `
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  HOST: db.internal
  PORT: '5432'
`;

const NAMESPACE = `
apiVersion: v1
kind: Namespace
metadata:
  name: shop
`;

describe('interpolateCompose', () => {
  it.each([
    ['plain text', 'plain text', {}],
    ['$$HOME', '$HOME', { HOME: '/root' }],
    ['${NAME}', 'set', { NAME: 'set' }],
    ['$NAME/x', 'set/x', { NAME: 'set' }],
    ['${MISSING}', '', {}],
    ['${VAR:-fallback}', 'fallback', {}],
    ['${VAR:-fallback}', 'fallback', { VAR: '' }],
    ['${VAR:-fallback}', 'given', { VAR: 'given' }],
    ['${VAR-fallback}', 'fallback', {}],
    ['${VAR-fallback}', '', { VAR: '' }],
    ['${VAR:-}', '', {}],
    ['${VAR?needed}', '', { VAR: '' }],
    ['kafka:${PORT:-9092},${HOST:-b}:1', 'kafka:9092,h:1', { HOST: 'h' }],
  ] as [string, string, Record<string, string>][])('%s -> %j with %j', (value, expected, variables) => {
    expect(interpolateCompose(value, variables)).toBe(expected);
  });

  it('throws for ${VAR:?message} when VAR is unset or empty, and ${VAR?message} when unset', () => {
    expect(() => interpolateCompose('${VAR:?set VAR}', { VAR: '' })).toThrow(DeployManifestError);
    expect(() => interpolateCompose('${VAR:?set VAR}')).toThrow('required variable VAR is not set: set VAR');
    expect(() => interpolateCompose('${VAR?set VAR}')).toThrow('required variable VAR is not set: set VAR');
    expect(interpolateCompose('${VAR:?set VAR}', { VAR: 'x' })).toBe('x');
  });

  it('does not read the host environment', () => {
    expect(process.env['PATH']).toBeDefined();
    expect(interpolateCompose('${PATH:-none}')).toBe('none');
  });
});

describe('compose readers', () => {
  const compose: ComposeFile = {
    services: {
      listed: {
        environment: ['A=1', 'B=x=y', 'PASSED_THROUGH', 'URL=http://${HOST:-localhost}:${PORT}', 'EMPTY='],
        depends_on: ['db', 'cache'],
        build: 'services/listed',
      },
      mapped: {
        environment: { A: 1, ON: true, NULLED: null, URL: 'redis://${HOST:-localhost}:6379', DOLLAR: 'a$$b' },
        depends_on: { db: { condition: 'service_healthy' }, cache: {} },
        build: { context: '.', dockerfile: 'deploy/Dockerfile', args: { SERVICE: 'mapped', UNSET: null } },
      },
      bare: { image: 'redis:7', build: { args: ['SERVICE=bare', 'FLAG'] } },
      broken: { environment: { NESTED: { no: 'maps' } } as unknown as Record<string, string> },
    },
  };

  it('reads the list form: KEY=value split at the first =, a bare KEY passed through from the host', () => {
    expect(composeServiceEnvironment(compose, 'listed', { PORT: '8080' })).toEqual({
      A: '1',
      B: 'x=y',
      URL: 'http://localhost:8080',
      EMPTY: '',
    });
  });

  it('reads the map form: scalars as strings, a null value passed through from the host', () => {
    expect(composeServiceEnvironment(compose, 'mapped', { HOST: 'redis' })).toEqual({
      A: '1',
      ON: 'true',
      URL: 'redis://redis:6379',
      DOLLAR: 'a$b',
    });
  });

  it('gives an empty environment to a service without one, and names what it cannot read', () => {
    expect(composeServiceEnvironment(compose, 'bare')).toEqual({});
    expect(() => composeServiceEnvironment(compose, 'broken')).toThrow(
      'services.broken.environment.NESTED: expected a string, number or boolean',
    );
    expect(() => composeServiceEnvironment(compose, 'absent')).toThrow(
      'docker-compose has no service "absent" (has: listed, mapped, bare, broken)',
    );
  });

  it('reads depends_on in both forms, the list form meaning service_started', () => {
    expect(composeDependsOn(compose, 'listed')).toEqual({ db: 'service_started', cache: 'service_started' });
    expect(composeDependsOn(compose, 'mapped')).toEqual({ db: 'service_healthy', cache: 'service_started' });
    expect(composeDependsOn(compose, 'bare')).toEqual({});
  });

  it('normalises build: string, map and list args, defaults for context and dockerfile', () => {
    expect(composeBuild(compose, 'listed')).toEqual({
      context: 'services/listed',
      dockerfile: 'Dockerfile',
      args: {},
    });
    expect(composeBuild(compose, 'mapped')).toEqual({
      context: '.',
      dockerfile: 'deploy/Dockerfile',
      args: { SERVICE: 'mapped' },
    });
    expect(composeBuild(compose, 'bare')).toEqual({
      context: '.',
      dockerfile: 'Dockerfile',
      args: { SERVICE: 'bare' },
    });
    expect(composeBuild(compose, 'broken')).toBeUndefined();
  });

  it('finds the hosts of URLs and host:port lists, and nothing in free text', () => {
    expect(
      referencedHosts({
        KAFKA_BROKERS: 'kafka-1:9092, kafka-2:9092',
        DATABASE_URL: 'postgres://user:secret@postgres:5432/db',
        NOTE: 'http://[broken',
        LABEL: 'just words',
        PORT: '3000',
      }),
    ).toEqual(new Set(['kafka-1', 'kafka-2', 'postgres']));
  });

  it('loads a Compose file with anchors and merge keys resolved', () => {
    const root = writeTree({
      'docker-compose.yml': `
x-common: &common
  restart: unless-stopped
  environment:
    SHARED: 'yes'
services:
  one:
    <<: *common
    image: one:1
`,
      'not-compose.yml': 'version: "3"\n',
      'bad-service.yml': 'services:\n  one: text\n',
    });
    const compose = loadComposeFile(path.join(root, 'docker-compose.yml'));
    expect(compose.services['one']).toEqual({
      restart: 'unless-stopped',
      environment: { SHARED: 'yes' },
      image: 'one:1',
    });
    expect(() => loadComposeFile(path.join(root, 'not-compose.yml'))).toThrow('not a Compose file');
    expect(() => loadComposeFile(path.join(root, 'bad-service.yml'))).toThrow('service "one" is not a map');
  });
});

describe('loadKustomizeResources', () => {
  it('reads multi-document resources and applies namespace, images and replicas', () => {
    const root = writeTree({
      'kustomization.yaml': `
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: shop
labels:
  - pairs: { team: shop }
resources:
  - namespace.yaml
  - app.yaml
images:
  - name: registry.example/team/web
    newTag: '2.0'
  - name: registry.example/proxy
    newName: mirror.example/proxy
replicas:
  - name: web
    count: 5
`,
      'namespace.yaml': NAMESPACE,
      'app.yaml': `${DEPLOYMENT}\n---\n${CONFIG_MAP}\n---\n`,
    });
    const resources = loadKustomizeResources(root);
    expect(resources.map((resource) => [resource.kind, resource.metadata.namespace])).toEqual([
      ['Namespace', undefined],
      ['Deployment', 'shop'],
      ['ConfigMap', 'shop'],
    ]);
    const deployment = findResource(resources, 'Deployment', 'web');
    expect((deployment['spec'] as { replicas: number }).replicas).toBe(5);
    expect(workloadContainer(deployment)['image']).toBe('registry.example/team/web:2.0');
    expect(workloadContainer(deployment, 'sidecar')['image']).toBe('mirror.example/proxy@sha256:abc');
  });

  it('replaces a digest or tag by a digest', () => {
    const root = writeTree({
      'kustomization.yaml': `
resources: [app.yaml]
images:
  - name: registry.example/team/web
    digest: sha256:def
`,
      'app.yaml': DEPLOYMENT,
    });
    const deployment = findResource(loadKustomizeResources(root), 'Deployment', 'web');
    expect(workloadContainer(deployment)['image']).toBe('registry.example/team/web@sha256:def');
  });

  it('applies strategic-merge patches from files and inline over a base directory', () => {
    const root = writeTree({
      'base/kustomization.yaml': 'resources:\n  - app.yaml\n  - settings.yaml\n',
      'base/app.yaml': DEPLOYMENT,
      'base/settings.yaml': CONFIG_MAP,
      'overlay/kustomization.yaml': `
resources:
  - ../base
patches:
  - path: deployment.yaml
  - patch: |
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: settings
      data:
        HOST: db.prod
`,
      'overlay/deployment.yaml': `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: null
  template:
    spec:
      containers:
        - name: web
          env:
            - name: MODE
              value: overlay
            - name: ADDED
              value: 'yes'
          args: [--verbose]
`,
    });
    const resources = loadKustomizeResources(path.join(root, 'overlay'));
    const deployment = findResource(resources, 'Deployment', 'web');
    // `null` deletes the field; containers and env merge by name.
    expect(deployment['spec']).not.toHaveProperty('replicas');
    expect(workloadContainer(deployment, 'web')).toEqual({
      name: 'web',
      image: 'registry.example/team/web:1.0',
      env: [
        { name: 'MODE', value: 'overlay' },
        { name: 'KEEP', value: 'kept' },
        { name: 'ADDED', value: 'yes' },
      ],
      args: ['--verbose'],
    });
    expect(workloadContainer(deployment, 'sidecar')['image']).toBe('registry.example/proxy@sha256:abc');
    expect(findResource(resources, 'ConfigMap', 'settings')['data']).toEqual({
      HOST: 'db.prod',
      PORT: '5432',
    });
  });

  it.each([
    ['configMapGenerator', 'configMapGenerator:\n  - name: generated\n'],
    ['components', 'components:\n  - ../component\n'],
    ['patchesJson6902', 'patchesJson6902: []\n'],
  ])('throws on the unsupported field %s, naming it', (field, text) => {
    const root = writeTree({
      'kustomization.yaml': `resources: [app.yaml]\n${text}`,
      'app.yaml': DEPLOYMENT,
    });
    expect(() => loadKustomizeResources(root)).toThrow(DeployManifestError);
    expect(() => loadKustomizeResources(root)).toThrow(
      `"${field}" is not supported by loadKustomizeResources`,
    );
  });

  it.each([
    [
      'a patch with a target',
      'resources: [app.yaml]\npatches:\n  - path: p.yaml\n    target: { kind: Deployment }\n',
      'only strategic-merge patches without "target" are supported',
    ],
    [
      'a patch without path or patch',
      'resources: [app.yaml]\npatches:\n  - {}\n',
      'a patch with neither path nor patch',
    ],
    [
      'a patch of a missing resource',
      'resources: [app.yaml]\npatches:\n  - patch: "apiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: nope\\n"\n',
      'patch target ConfigMap/nope not found',
    ],
    [
      'replicas of an unknown workload',
      'resources: [app.yaml]\nreplicas:\n  - name: nope\n    count: 1\n',
      'replicas for unknown workload "nope"',
    ],
    [
      'a replicas entry without a count',
      'resources: [app.yaml]\nreplicas:\n  - name: web\n',
      'a replicas entry needs a name and a count',
    ],
    [
      'an images entry without a name',
      'resources: [app.yaml]\nimages:\n  - newTag: x\n',
      'an images entry without a name',
    ],
    ['a resource listed twice', 'resources: [app.yaml, app.yaml]\n', 'Deployment/web is listed twice'],
    ['a missing resource file', 'resources: [missing.yaml]\n', 'resource missing.yaml does not exist'],
    ['resources that are not a list', 'resources: app.yaml\n', '"resources" must be a list'],
  ])('throws on %s', (_case, kustomization, message) => {
    const root = writeTree({ 'kustomization.yaml': kustomization, 'app.yaml': DEPLOYMENT });
    expect(() => loadKustomizeResources(root)).toThrow(DeployManifestError);
    expect(() => loadKustomizeResources(root)).toThrow(message);
  });

  it('throws on a folder without a kustomization and a document without kind', () => {
    const root = writeTree({
      'empty/README.md': 'nothing here',
      'kindless/kustomization.yaml': 'resources: [thing.yaml]\n',
      'kindless/thing.yaml': 'apiVersion: v1\nmetadata:\n  name: thing\n',
    });
    expect(() => loadKustomizeResources(path.join(root, 'empty'))).toThrow('no kustomization.yaml');
    expect(() => loadKustomizeResources(path.join(root, 'kindless'))).toThrow(
      'a document without apiVersion, kind and metadata.name',
    );
  });

  it('lists base and the overlays, sorted, with their resources', () => {
    const root = writeTree({
      'base/kustomization.yaml': 'resources: [app.yaml]\n',
      'base/app.yaml': DEPLOYMENT,
      'overlays/prod/kustomization.yaml': 'resources: [../../base]\nreplicas:\n  - name: web\n    count: 4\n',
      'overlays/dev/kustomization.yaml': 'resources: [../../base]\nreplicas:\n  - name: web\n    count: 1\n',
      'overlays/NOTES.md': 'not an overlay',
    });
    expect(kustomizeTargets(root).map((target) => target.name)).toEqual([
      'base',
      'overlays/dev',
      'overlays/prod',
    ]);
    expect(
      loadKustomizeTargets(root).map(({ name, resources }) => [
        name,
        (findResource(resources, 'Deployment', 'web')['spec'] as { replicas: number }).replicas,
      ]),
    ).toEqual([
      ['base', 3],
      ['overlays/dev', 1],
      ['overlays/prod', 4],
    ]);
  });
});

describe('strategicMerge', () => {
  it('merges maps, deletes on null, merges named lists by name and replaces other lists', () => {
    const base = { a: 1, gone: 'x', list: [1, 2], named: [{ name: 'n', v: 1 }], nested: { keep: true } };
    const patch = { gone: null, list: [3], named: [{ name: 'n', w: 2 }, { name: 'm' }], nested: { add: 1 } };
    expect(strategicMerge(base, patch)).toEqual({
      a: 1,
      list: [3],
      named: [{ name: 'n', v: 1, w: 2 }, { name: 'm' }],
      nested: { keep: true, add: 1 },
    });
    // Inputs are not modified.
    expect(base).toEqual({
      a: 1,
      gone: 'x',
      list: [1, 2],
      named: [{ name: 'n', v: 1 }],
      nested: { keep: true },
    });
  });

  it('rejects $patch directives', () => {
    expect(() => strategicMerge({ a: {} }, { a: { $patch: 'replace' } })).toThrow('"$patch" directives');
  });
});

describe('workloadEnvironment', () => {
  const resource = (text: string) =>
    loadKustomizeResources(writeTree({ 'kustomization.yaml': 'resources: [r.yaml]\n', 'r.yaml': text }));
  const withPod = (containerYaml: string, others = '') =>
    resource(`${others}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  template:
    metadata:
      labels:
        tier: backend
    spec:
      containers:
        - name: app
          image: app:1
${containerYaml.replace(/^/gm, '          ')}
`);

  it('resolves envFrom in order, then env over it, expanding $(VAR) references to earlier variables', () => {
    const resources = withPod(
      `envFrom:
  - configMapRef: { name: settings }
  - configMapRef: { name: overrides }
    prefix: X_
  - secretRef: { name: inline-secret }
env:
  - name: PORT
    value: '6543'
  - name: DSN
    value: postgres://$(HOST):$(PORT)/$(UNKNOWN)$$(HOST)
  - name: POD
    valueFrom: { fieldRef: { fieldPath: metadata.name } }
  - name: TIER
    valueFrom: { fieldRef: { fieldPath: "metadata.labels['tier']" } }
  - name: FROM_MAP
    valueFrom: { configMapKeyRef: { name: settings, key: HOST } }
  - name: MAYBE
    valueFrom: { configMapKeyRef: { name: settings, key: ABSENT, optional: true } }
  - name: EMPTY`,
      `${CONFIG_MAP}
---
apiVersion: v1
kind: ConfigMap
metadata: { name: overrides }
data: { HOST: other }
---
apiVersion: v1
kind: Secret
metadata: { name: inline-secret }
data: { TOKEN: ${Buffer.from('s3cret').toString('base64')} }
stringData: { PLAIN: text }`,
    );
    expect(deploymentEnvironment(resources, 'app')).toEqual({
      HOST: 'db.internal',
      PORT: '6543',
      X_HOST: 'other',
      TOKEN: 's3cret',
      PLAIN: 'text',
      DSN: 'postgres://db.internal:6543/$(UNKNOWN)$(HOST)',
      POD: 'app-pod',
      TIER: 'backend',
      FROM_MAP: 'db.internal',
      EMPTY: '',
    });
  });

  it('stands in a placeholder for a secretKeyRef to a Secret that is not in the repository', () => {
    const resources = withPod(`env:
  - name: DATABASE_URL
    valueFrom: { secretKeyRef: { name: ballast-database, key: DATABASE_URL } }
  - name: GIVEN
    valueFrom: { secretKeyRef: { name: external, key: API_KEY } }
  - name: OPTIONAL
    valueFrom: { secretKeyRef: { name: external, key: NOT_THERE, optional: true } }`);
    expect(SECRET_PLACEHOLDERS['DATABASE_URL']).toMatch(/^postgres:\/\//);
    expect(
      workloadEnvironment(resources, 'Deployment', 'app', { secrets: { external: { API_KEY: 'k' } } }),
    ).toEqual({ DATABASE_URL: SECRET_PLACEHOLDERS['DATABASE_URL'], GIVEN: 'k' });
    expect(() => deploymentEnvironment(resources, 'app')).toThrow(
      'Secret external key API_KEY is not in the repository and has no placeholder',
    );
  });

  it('needs the keys of an envFrom Secret that is not in the repository, unless optional', () => {
    const required = withPod('envFrom:\n  - secretRef: { name: external }');
    expect(() => deploymentEnvironment(required, 'app')).toThrow(
      'Secret external is not in the repository; give its keys in options.secrets',
    );
    expect(deploymentEnvironment(required, 'app', { secrets: { external: { KEY: 'v' } } })).toEqual({
      KEY: 'v',
    });
    const optional = withPod('envFrom:\n  - secretRef: { name: external, optional: true }');
    expect(deploymentEnvironment(optional, 'app')).toEqual({});
  });

  it('names a reference it cannot resolve', () => {
    expect(() =>
      deploymentEnvironment(
        withPod('env:\n  - name: X\n    valueFrom: { configMapKeyRef: { name: nope, key: K } }'),
        'app',
      ),
    ).toThrow('Deployment/app container app env X: ConfigMap nope key K not found');
    expect(() => deploymentEnvironment(withPod('envFrom:\n  - configMapRef: { name: nope }'), 'app')).toThrow(
      'ConfigMap nope is not among the resources',
    );
    expect(() =>
      deploymentEnvironment(
        withPod('env:\n  - name: X\n    valueFrom: { fieldRef: { fieldPath: metadata.uid } }'),
        'app',
      ),
    ).toThrow('unsupported fieldRef metadata.uid');
    expect(() =>
      deploymentEnvironment(
        withPod('env:\n  - name: X\n    valueFrom: { resourceFieldRef: { resource: limits.cpu } }'),
        'app',
      ),
    ).toThrow('unsupported valueFrom resourceFieldRef');
  });

  it('finds workloads, pod specs and containers, or says what there is', () => {
    const resources = withPod('env: []', CONFIG_MAP);
    const deployment = findResource(resources, 'Deployment', 'app');
    expect(podSpec(deployment)['containers']).toHaveLength(1);
    expect(() => findResource(resources, 'Deployment', 'other')).toThrow(
      'no Deployment "other" (have: ConfigMap/settings, Deployment/app)',
    );
    expect(() => workloadContainer(deployment, 'sidecar')).toThrow('Deployment/app has no container sidecar');
    expect(() => podSpec(findResource(resources, 'ConfigMap', 'settings'))).toThrow(
      'ConfigMap/settings has no pod spec',
    );
  });
});

describe('environments against schemas', () => {
  const schema = z.object({
    NEEDED: z.string(),
    DEFAULTED: z.string().default('d'),
    OPTIONAL: z.string().optional(),
    ALSO_NEEDED: z.coerce.number(),
  });

  it('lists the variables with neither a default nor optional()', () => {
    expect(requiredVariables(schema)).toEqual(['NEEDED', 'ALSO_NEEDED']);
  });

  it('copies an environment without one variable', () => {
    const environment = { A: '1', B: '2' };
    expect(withoutVariable(environment, 'A')).toEqual({ B: '2' });
    expect(environment).toEqual({ A: '1', B: '2' });
  });
});
