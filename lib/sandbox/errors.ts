import { ToolSetupError } from "@/lib/tools/setup-error";

/**
 * A sandbox failure worded so that a DBA knows what to do next. A setup failure like the
 * tools' own (no binaries, no server OS user), so a script prints either without a stack.
 */
export class SandboxError extends ToolSetupError {
  override name = "SandboxError";
}
