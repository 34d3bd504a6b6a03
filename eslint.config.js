// @ts-check
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

/** Modules that do I/O or are only meant for the worker/client side of Temporal. */
const ioModules = [
  'postgres',
  'drizzle-orm',
  'drizzle-orm/*',
  '@electric-sql/pglite',
  '@grpc/grpc-js',
  'hono',
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/activity',
  '@temporalio/testing',
];

/** The Temporal sandbox boundary: code that runs inside workflows must be deterministic and I/O free. */
const sandboxImports = {
  paths: nodeBuiltins.map((name) => ({ name, message: 'Workflow sandbox code must not use Node built-ins.' })),
  patterns: [
    { group: ioModules, message: 'Workflow sandbox code must not do I/O: move it to an activity.' },
    {
      group: ['**/activities/agencies/*', '**/activities/registries/*'],
      allowTypeImports: true,
      message: 'Workflows import activity types only (use `import type`).',
    },
    {
      group: ['**/agencies/*', '!**/activities/agencies/*'],
      allowTypeImports: true,
      message: 'The agency list names activity code: derive a queue name with agencyTaskQueue (workflows/task-queues.ts).',
    },
    // db/seed-fixtures is data only (the well-known seeded people a procedure's simulation data names); the
    // devserver's harness workflows are sandbox code (bench/compare-workflows.ts bundles one).
    { group: ['**/db/*', '!**/db/seed-fixtures', '**/api/*', '**/worker/*', '**/devserver/*', '!**/devserver/harness', '**/devserver/harness/*', '!**/devserver/harness/workflows'], message: 'Not sandbox-safe.' },
  ],
};

// The bundle's modules are evaluated once per worker thread and shared by every workflow in it (worker/agency-worker.ts WORKFLOW_PRELOAD_MODULES).
const noModuleState = {
  selector: "Program > VariableDeclaration[kind!='const'], Program > ExportNamedDeclaration > VariableDeclaration[kind!='const']",
  message: 'No module-level `let` or `var`: module state is shared by every workflow of a worker thread.',
};

const sandboxRules = {
  'no-restricted-imports': ['error', sandboxImports],
  'no-restricted-globals': [
    'error',
    { name: 'process', message: 'No environment access inside the workflow sandbox.' },
    { name: 'require', message: 'No dynamic module loading inside the workflow sandbox.' },
    { name: 'fetch', message: 'No network I/O inside the workflow sandbox.' },
    { name: 'setInterval', message: 'Use Temporal timers (sleep) inside workflows.' },
  ],
  'no-restricted-syntax': ['error', noModuleState],
};

/** Pure domain/procedure code additionally takes time and randomness as inputs, so it is testable and replayable anywhere. */
const pureRules = {
  'no-restricted-syntax': [
    'error',
    { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'Take the time as a parameter (determinism).' },
    { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'Take the time as a parameter (determinism).' },
    { selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']", message: 'Take randomness as a parameter (determinism).' },
    noModuleState,
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/**', '.data/**', '.scratch/**', 'dist/**', 'coverage/**', 'db/migrations/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  // workflows/case-client.ts is the Node-side client beside the workflows (never imported by them, not bundled);
  // bench/compare-workflows.ts is a workflow tree's entry (bench:compare's SDK contender).
  { files: ['workflows/**/*.ts', 'procedures/**/*.ts', 'domain/**/*.ts', 'bench/compare-workflows.ts'], ignores: ['workflows/case-client.ts'], rules: sandboxRules },
  // The devserver is typed with @temporalio/proto's message types; `any` only at the wire decoder (proto.ts).
  {
    files: ['devserver/**/*.ts'],
    ignores: ['devserver/proto.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'error' },
  },
  // The catalog (procedures/ and the domain/ it uses) is pure: it reaches neither the workflow API nor the runner, so it
  // serves the API and the designer as it serves the workflows.
  {
    files: ['procedures/**/*.ts', 'domain/**/*.ts'],
    rules: {
      ...pureRules,
      'no-restricted-imports': [
        'error',
        {
          paths: sandboxImports.paths,
          patterns: [
            ...sandboxImports.patterns,
            { group: ['@temporalio/*', '**/workflows/*'], allowTypeImports: true, message: 'The catalog is shared by every workflow of a worker thread: no workflow API, no runner state.' },
          ],
        },
      ],
    },
  },
);
