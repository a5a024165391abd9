// Entry point: the command line. Nothing else runs before it: the launch no longer
// re-runs this binary (the exec helper is native/exec-helper.c).
import { main } from "./cli.ts";

void main(process.argv.slice(2));
