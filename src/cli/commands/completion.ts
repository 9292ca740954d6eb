import { readCompletionScript, type Shell } from '../completion-files.js';

/**
 * `openclaw completion <shell>`. Usually answered by start-up from the committed script without
 * loading commander; this is the path with extra flags, or a checkout not built yet.
 */
export default async function completion(shell: Shell): Promise<void> {
  let script = readCompletionScript(shell);
  if (script === undefined) {
    const [{ buildProgram }, { version }, { commandSpec, completionScript }] = await Promise.all([import('../program.js'), import('../version.js'), import('../completion.js')]);
    script = completionScript(shell, commandSpec(buildProgram(version())));
  }
  process.stdout.write(script);
}
