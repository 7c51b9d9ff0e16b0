import { expect } from 'chai';
import { DirectoryError, type DirectoryErrorCode } from '../../src/directory/index.js';

/** Asserts that a directory call is refused with exactly this code. */
export async function expectRefusal(promise: Promise<unknown>, code: DirectoryErrorCode): Promise<DirectoryError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(DirectoryError);
    expect((error as DirectoryError).code).to.equal(code);
    return error as DirectoryError;
  }
  expect.fail(`expected a ${code} refusal, but the call succeeded`);
}
