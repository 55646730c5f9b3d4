// The one error path of every agentstate command (db:*, db:generate, db:check, db:studio).
export {
  atFile,
  CliError,
  EXIT_FAILURE,
  EXIT_USAGE,
  FileError,
  namesAFile,
  UsageError,
} from './cli-error.ts';
export { describeError, type ErrorReport } from './describe-error.ts';
export { integerValue, optionValue } from './option-values.ts';
export {
  reportError,
  routeErrorsThrough,
  runCommand,
  runProgram,
  type Output,
} from './run-command.ts';
export {
  launcherChain,
  launcherChainOf,
  readProcess,
  watchLauncher,
  type LauncherProcess,
  type ProcessInfo,
} from './launcher.ts';
