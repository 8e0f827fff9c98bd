/**
 * This machine cannot run PostgreSQL's programs as asked (no binaries, no OS user to run a
 * server as, an unusable path), worded so that a DBA knows what to do next. Scripts print
 * its message alone, without a stack.
 */
export class ToolSetupError extends Error {
  override name = "ToolSetupError";
}
