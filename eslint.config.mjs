import nx from '@nx/eslint-plugin';

/**
 * Lint runs in `npm test`. The module-boundary rule turns the dependency rules of STYLE.md into
 * errors: contracts depends on nothing; the event store on contracts; domain libs on the event
 * store and contracts; the Nest server lib on those; ml on contracts; console libs on contracts and
 * console libs; apps on anything.
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
            { sourceTag: 'type:event-store', onlyDependOnLibsWithTags: ['type:contracts'] },
            { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:event-store', 'type:contracts'] },
            { sourceTag: 'type:ml', onlyDependOnLibsWithTags: ['type:contracts'] },
            { sourceTag: 'type:server', onlyDependOnLibsWithTags: ['type:event-store', 'type:contracts'] },
            { sourceTag: 'type:console-lib', onlyDependOnLibsWithTags: ['type:contracts', 'type:console-lib'] },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['*'] },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.spec.ts', '**/testing/**/*.ts', 'libs/event-store/src/testing.ts'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
];
