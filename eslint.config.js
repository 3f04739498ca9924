import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/*
 * The dependency rule: the architecture in one screen (pictured in docs/architecture.md).
 * A layer is a folder of src/; it may import itself and the layers on its line, nothing else. Type-only imports
 * count: a layer that needs another's type gets it from a layer it may import (payments/ re-exports what the
 * outer layers need). Nothing imports the composition roots (src/gateway.ts, src/logger.ts, src/cli/), and they
 * may import anything.
 */
// prettier-ignore
const LAYERS = {
  domain:        [],                                                                      // pure rules
  html:          [],                                                                      // escaping text for pages
  vault:         ['domain'],
  wire:          ['domain'],                                                              // imoje JSON shapes
  storage:       ['domain', 'vault'],
  acquirer:      ['domain', 'vault'],
  notifications: ['domain', 'storage', 'wire'],
  admin:         ['domain', 'storage', 'vault'],                                          // operators' use cases
  payments:      ['domain', 'vault', 'acquirer', 'storage', 'notifications', 'wire'],
  worker:        ['domain', 'payments'],
  http:          ['domain', 'payments', 'admin', 'wire', 'html'],
  widget:        ['domain', 'payments', 'wire', 'html'],
  paywall:       ['domain', 'payments', 'wire', 'html', 'widget'],
  dashboard:     ['domain', 'payments', 'wire', 'html'],                                  // merchants' pages
  config:        ['domain'],
  metrics:       ['domain'],                                                              // Prometheus registry
};

/** Beyond the table, each for one stated reason. */
const EXCEPTIONS = [
  {
    // The sandbox acquirer keeps its own book in a table of the gateway's database.
    files: ['src/acquirer/sandbox/sandbox-ledger-store.ts'],
    layer: 'acquirer',
    may: ['storage'],
  },
  {
    // Config fills in the option shapes the parts define (SqliteOptions: types only), and reads each
    // connector's own settings section through the acquirer registry (which loads connector code lazily, so
    // config pulls in only the sections).
    files: ['src/config/**/*.ts'],
    layer: 'config',
    may: ['acquirer'],
    typesFrom: ['storage'],
  },
  {
    // The imoje connector's book of what it asked upstream is a table of the gateway's database: the table's type.
    files: ['src/acquirer/imoje/attempts.ts'],
    layer: 'acquirer',
    typesFrom: ['storage'],
  },
  {
    // The connector contract names the database handle a connector that keeps its own books receives: types only.
    files: ['src/acquirer/connector.ts'],
    layer: 'acquirer',
    typesFrom: ['storage'],
  },
];

const ROOTS = ['**/cli/**', '**/gateway.js', '**/logger.js'];

function layerRule(layer, may, typesFrom = []) {
  const allowed = LAYERS[layer].concat(may);
  const forbidden = Object.keys(LAYERS).filter((other) => other !== layer && !allowed.includes(other));
  const reach = allowed.length > 0 ? allowed.map((l) => `${l}/`).join(', ') : 'no other layer';
  return {
    '@typescript-eslint/no-restricted-imports': [
      'error',
      {
        patterns: [
          ...forbidden.map((other) => ({
            group: [`**/${other}/**`],
            allowTypeImports: typesFrom.includes(other),
            message: `Dependency rule (eslint.config.js): ${layer}/ may import ${reach}, not ${other}/.`,
          })),
          {
            group: ROOTS,
            message: 'Dependency rule (eslint.config.js): nothing imports a composition root.',
          },
        ],
      },
    ],
  };
}

const dependencyRule = [
  ...Object.keys(LAYERS).map((layer) => ({ files: [`src/${layer}/**/*.ts`], rules: layerRule(layer, []) })),
  ...EXCEPTIONS.map((e) => ({ files: e.files, rules: layerRule(e.layer, e.may ?? [], e.typesFrom) })),
  {
    // An import rule can't see property access: the outer layers must not read repositories off PaymentsDeps.
    files: ['src/http/**/*.ts', 'src/widget/**/*.ts', 'src/paywall/**/*.ts', 'src/dashboard/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...[
          'MemberExpression[property.name=/^(storage|repos)$/]',
          'ObjectPattern > Property[key.name=/^(storage|repos)$/]',
        ].map((selector) => ({
          selector,
          message:
            'Dependency rule (eslint.config.js): http/ and widget/ reach storage only through payments/.',
        })),
      ],
    },
  },
];

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      '**/dist/**',
      '.kartoteka/**',
      'test-results/**',
      'src/widget/assets/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/config/**'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration in src/config only.' },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/domain/ids.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        ...['node:crypto', 'crypto'].map((name) => ({
          name,
          importNames: ['randomUUID'],
          message: 'Make ids with newId() from src/domain/ids.ts.',
        })),
      ],
    },
  },
  {
    files: ['bin/**/*.js', 'src/widget/assets/**/*.js'],
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', window: 'readonly', document: 'readonly' },
    },
  },
  ...dependencyRule,
);
