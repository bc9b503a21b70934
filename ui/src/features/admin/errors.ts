import { ApiError, errorMessage } from '../../lib/api-client';
import { adminText } from './strings';

/** A value typed in a form that cannot be sent; its message is already in Portuguese. */
export class InputProblem extends Error {
  override readonly name = 'InputProblem';
}

/** Any failure of an admin action, in words. */
export function describeFailure(e: unknown): string {
  if (e instanceof InputProblem) return e.message;
  if (e instanceof ApiError) return adminText.failed(errorMessage(e));
  return adminText.failed(errorMessage(e));
}
