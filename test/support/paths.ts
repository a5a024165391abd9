// Where the repository, the shared vectors and test builds live.
import { resolve } from "node:path";

export const REPO_ROOT = resolve(import.meta.dir, "../..");
export const VECTORS = resolve(REPO_ROOT, "../shared/vectors");
