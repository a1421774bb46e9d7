import nx from '@nx/eslint-plugin';

/**
 * Lint runs in `npm test`. The module-boundary rule turns the dependency rules of DEVELOPMENT.md into
 * errors: contracts depends on nothing; the kernel on contracts; the event store on the kernel;
 * domain libs (pure) on other domain libs and the kernel, never on a database driver; the Nest
 * platform lib (`libs/server`) on the event store; a context's server part on its domain and the
 * platform; console libs on contracts and console libs; apps on anything.
 */
export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    ignores: ['**/dist', '**/node_modules', '**/.angular', '**/.nx', 'tmp/**', 'coverage/**', 'test-output/**'],
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'type:kernel', onlyDependOnLibsWithTags: ['type:contracts'] },
            { sourceTag: 'type:event-store', onlyDependOnLibsWithTags: ['type:kernel', 'type:contracts'] },
            { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:domain', 'type:kernel', 'type:contracts'] },
            { sourceTag: 'type:ml', onlyDependOnLibsWithTags: ['type:kernel', 'type:contracts'] },
            { sourceTag: 'type:server', onlyDependOnLibsWithTags: ['type:event-store', 'type:kernel', 'type:contracts'] },
            {
              sourceTag: 'type:context',
              onlyDependOnLibsWithTags: ['type:context', 'type:server', 'type:domain', 'type:event-store', 'type:kernel', 'type:contracts', 'type:ml'],
            },
            { sourceTag: 'type:console-lib', onlyDependOnLibsWithTags: ['type:contracts', 'type:console-lib'] },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['*'] },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.spec.ts', '**/testing/**/*.ts', 'libs/*/src/testing.ts'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
];
