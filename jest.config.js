/** Two projects: fast unit specs beside the code, and e2e suites under test/ that talk to real Redis,
 * PostgreSQL and spawned processes. Both run in band: the machine has two cores and the e2e suites
 * start their own processes. */
const moduleNameMapper = {
  '^@switchyard/testing$': '<rootDir>/test/support',
  '^@switchyard/(.*)$': '<rootDir>/libs/$1/src',
};
const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] };
/** jest's node environment, minus the AsyncLocalStorage each test file leaves enabled. */
const testEnvironment = '<rootDir>/test/support/jest-environment.js';

module.exports = {
  // e2e suites start real processes; unit specs finish far below this.
  testTimeout: 120000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment,
      roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/bench'],
      testMatch: ['**/*.spec.ts'],
      moduleNameMapper,
      transform,
    },
    {
      displayName: 'e2e',
      testEnvironment,
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.e2e-spec.ts'],
      moduleNameMapper,
      transform,
    },
  ],
};
