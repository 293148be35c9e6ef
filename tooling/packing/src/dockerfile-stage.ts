/** What a container of a Dockerfile's last stage starts with: its working directory, environment and CMD. */
export interface ImageRuntime {
  workdir: string;
  env: Record<string, string>;
  cmd: string[];
  /** The exec-form argv of `HEALTHCHECK [options] CMD [...]`, if the stage has one. */
  healthcheck: string[] | undefined;
}

/** Instructions with their line continuations joined; comments and parser directives dropped. */
function instructions(text: string): { keyword: string; argument: string }[] {
  const joined = text
    .split("\n")
    .filter((line) => !line.trimStart().startsWith("#"))
    .join("\n")
    .replace(/\\\n/g, " ");
  return joined
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .map((line) => {
      const space = line.search(/\s/);
      return { keyword: line.slice(0, space).toUpperCase(), argument: line.slice(space + 1).trim() };
    });
}

function execForm(argument: string, where: string): string[] {
  if (!argument.startsWith("[")) throw new Error(`Dockerfile ${where} must use the exec form: ${argument}`);
  return JSON.parse(argument) as string[];
}

/**
 * The runtime settings of the Dockerfile's last stage (`FROM ... AS runtime`): the `WORKDIR`, every `ENV` in the
 * `key=value` form (quoted values unquoted) the exec-form `CMD` and `HEALTHCHECK ... CMD`. Only the forms this repository's Dockerfile
 * uses are read; anything else is an error rather than a silent guess.
 */
export function imageRuntime(dockerfile: string): ImageRuntime {
  const all = instructions(dockerfile);
  const lastFrom = all.map((instruction) => instruction.keyword).lastIndexOf("FROM");
  const runtime: ImageRuntime = { workdir: "/", env: {}, cmd: [], healthcheck: undefined };
  for (const { keyword, argument } of all.slice(lastFrom + 1)) {
    if (keyword === "WORKDIR") runtime.workdir = argument;
    if (keyword === "ENV") {
      for (const pair of argument.match(/[A-Za-z_][A-Za-z0-9_]*=(?:"[^"]*"|\S*)/g) ?? []) {
        const equals = pair.indexOf("=");
        runtime.env[pair.slice(0, equals)] = pair.slice(equals + 1).replace(/^"(.*)"$/, "$1");
      }
    }
    if (keyword === "CMD") runtime.cmd = execForm(argument, "CMD");
    if (keyword === "HEALTHCHECK") {
      const command = /(?:^|\s)CMD\s+(.*)$/.exec(argument)?.[1];
      runtime.healthcheck = command === undefined ? undefined : execForm(command, "HEALTHCHECK CMD");
    }
  }
  return runtime;
}
