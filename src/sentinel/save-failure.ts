// Spec 12.1 before launch: a state that cannot be saved (disk full, read-only
// directory, lock never obtained, keystore gone) stops the start with exit 70, so the
// software never runs on a decision that was not recorded.
import { describeError, InternalError } from "../errors.ts";

export class StateSaveError extends InternalError {
  constructor(reason: string) {
    super(`cannot save state: ${reason}`);
  }
}

/** Rethrows any failure of a save as `cannot save state: <reason>` (70). */
export function cannotSave(error: unknown): never {
  if (error instanceof StateSaveError) throw error;
  throw new StateSaveError(describeError(error));
}
