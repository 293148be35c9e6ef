import { CliError } from "./cli-error.js";

/** `promptreg lock` found published content whose hash changed and was not told to accept it. */
export class LockRefusedError extends CliError {
  static override readonly brand: symbol = Symbol.for("promptreg.cli.lock-refused-error");
  /** The lockfile, relative to the cwd. */
  readonly file: string;
  /** Versions (`id@version`) and partials (`partial <name>`) whose locked hash would change. */
  readonly changed: readonly string[];

  constructor(options: { file: string; changed: readonly string[] }) {
    super({
      code: "lock_refused",
      message:
        `${options.file} was not changed: published content changed in place (${options.changed.join(", ")}). ` +
        "Published versions are immutable: restore them and add a new version instead. If the change is deliberate " +
        "(say so in the pull request), run `promptreg lock --allow-changed`.",
    });
    this.name = "LockRefusedError";
    this.file = options.file;
    this.changed = options.changed;
  }
}
