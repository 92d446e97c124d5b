import { ValidationError } from '../../src/validation/errors';

/** Runs `make`, expects it to throw a ValidationError whose message matches `message`, and returns it. */
export function refuse(make: () => unknown, message: RegExp): ValidationError {
  let error: unknown;
  try {
    make();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ValidationError);
  expect((error as Error).message).toMatch(message);
  return error as ValidationError;
}
