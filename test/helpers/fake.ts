import { afterAll, beforeAll } from 'vitest';
import { FakeProvider } from '../fixtures/fake-provider.js';

/** The loopback fake provider of a test file: listening before its first test, closed after its last. */
export function useFakeProvider(): FakeProvider {
  const fake = FakeProvider.create();
  beforeAll(() => fake.listen());
  afterAll(() => fake.close());
  return fake;
}
