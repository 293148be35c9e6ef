import { escapeControl, quote } from "@promptreg/core";
import { RegistryError } from "./registry-error.js";

export type NotFoundKind = "id" | "version" | "label";

/** A reference names an id, version (or range) or label the registry does not have. */
export class TemplateNotFoundError extends RegistryError {
  static override readonly brand: symbol = Symbol.for("promptreg.registry.template-not-found-error");
  readonly kind: NotFoundKind;
  /** The reference, formatted (`id@selector`). */
  readonly reference: string;
  readonly templateId: string;
  /** Closest ids (kind "id"), available versions (kind "version") or labels (kind "label"). */
  readonly suggestions: readonly string[];

  constructor({
    kind,
    reference,
    templateId,
    suggestions,
    detail,
  }: {
    kind: NotFoundKind;
    reference: string;
    templateId: string;
    suggestions: readonly string[];
    detail?: string;
  }) {
    const what =
      kind === "id"
        ? `no template with id ${quote(templateId)}`
        : kind === "label"
          ? `template ${quote(templateId)} has no such label`
          : `template ${quote(templateId)} has no matching version`;
    const hint =
      suggestions.length === 0
        ? kind === "id"
          ? " Run `promptreg list` to see the available ids."
          : ""
        : kind === "id"
          ? ` Did you mean ${suggestions.map(quote).join(", ")}?`
          : kind === "label"
            ? ` Available labels: ${suggestions.join(", ")} (or use "latest").`
            : ` Available versions: ${suggestions.join(", ")}.`;
    super({
      code: "template_not_found",
      message: `Template reference ${quote(reference)} not found: ${what}${detail ? ` (${escapeControl(detail)})` : ""}.${hint}`,
    });
    this.name = "TemplateNotFoundError";
    this.kind = kind;
    this.reference = reference;
    this.templateId = templateId;
    this.suggestions = suggestions;
  }
}
