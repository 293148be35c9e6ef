import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import ts from "typescript";

/** One `class X extends Y` declaration found in the sources. */
export interface DeclaredClass {
  file: string;
  name: string;
  base: string;
  /** The key of `static override readonly brand = Symbol.for("<key>")` declared in the class body, if any. */
  brand: string | undefined;
}

/** Why an error class breaks recognition by `X.is(value)`. */
export interface BrandProblem {
  file: string;
  name: string;
  problem: "missing_brand" | "duplicate_brand";
  detail: string;
}

const SKIPPED_DIRS = new Set(["node_modules", "dist", ".vitepress", "__fixtures__"]);

/**
 * Every class declaration with an `extends` clause in the non-test TypeScript sources under `roots`, parsed with the
 * TypeScript parser (no type check: this reads syntax only, so it runs in well under a second).
 */
export async function findDeclaredClasses({
  roots,
  baseDir,
}: {
  roots: string[];
  baseDir: string;
}): Promise<DeclaredClass[]> {
  const files: string[] = [];
  for (const root of roots) await collectSources(join(baseDir, root), files);
  files.sort();
  const found: DeclaredClass[] = [];
  for (const file of files) {
    const text = await readFile(file, "utf8");
    if (!text.includes("extends")) continue;
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
    const visit = (node: ts.Node): void => {
      if (ts.isClassLike(node) && node.name !== undefined) {
        const base = extendedName(node);
        if (base !== undefined) {
          found.push({
            file: relative(baseDir, file),
            name: node.name.text,
            base,
            brand: declaredBrand(node),
          });
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

/**
 * The classes descending from `rootClass` (followed by name across files) that declare no brand of their own, or a
 * brand another class declares too. Either way `Sub.is(value)` would answer for a different class: a subclass
 * without its own brand inherits its parent's, so `Sub.is(parentInstance)` is true.
 */
export function brandProblems(classes: readonly DeclaredClass[], rootClass: string): BrandProblem[] {
  const byName = new Map<string, DeclaredClass[]>();
  for (const declared of classes) byName.set(declared.name, [...(byName.get(declared.name) ?? []), declared]);
  const descends = (name: string, seen: Set<string>): boolean => {
    if (name === rootClass) return true;
    if (seen.has(name)) return false;
    seen.add(name);
    return (byName.get(name) ?? []).some((declared) => descends(declared.base, seen));
  };
  const problems: BrandProblem[] = [];
  const owners = new Map<string, DeclaredClass>();
  for (const declared of classes) {
    if (!descends(declared.base, new Set())) continue;
    if (declared.brand === undefined) {
      problems.push({
        file: declared.file,
        name: declared.name,
        problem: "missing_brand",
        detail: `${declared.name} extends ${declared.base} without \`static override readonly brand = Symbol.for(...)\`, so ${declared.name}.is() would accept any ${declared.base}`,
      });
      continue;
    }
    const owner = owners.get(declared.brand);
    if (owner !== undefined) {
      problems.push({
        file: declared.file,
        name: declared.name,
        problem: "duplicate_brand",
        detail: `${declared.name} reuses the brand "${declared.brand}" of ${owner.name} (${owner.file})`,
      });
    } else owners.set(declared.brand, declared);
  }
  return problems;
}

async function collectSources(dir: string, into: string[]): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name) && !entry.name.startsWith(".")) await collectSources(path, into);
    } else if (isSourceFile(entry.name)) into.push(path);
  }
}

/** TypeScript sources, not tests (`.test.ts`, `.e2e.test.ts`, `.browser.test.ts`) or declaration files. */
function isSourceFile(name: string): boolean {
  return /\.tsx?$/.test(name) && !/\.(test|d)\.tsx?$/.test(name);
}

function extendedName(node: ts.ClassLikeDeclaration): string | undefined {
  for (const clause of node.heritageClauses ?? []) {
    if (clause.token !== ts.SyntaxKind.ExtendsKeyword) continue;
    const expression = clause.types[0]?.expression;
    if (expression === undefined) return undefined;
    if (ts.isIdentifier(expression)) return expression.text;
    if (ts.isPropertyAccessExpression(expression)) return expression.name.text;
  }
  return undefined;
}

function declaredBrand(node: ts.ClassLikeDeclaration): string | undefined {
  for (const member of node.members) {
    if (!ts.isPropertyDeclaration(member) || !ts.isIdentifier(member.name) || member.name.text !== "brand")
      continue;
    const isStatic = ts
      .getModifiers(member)
      ?.some((modifier) => modifier.kind === ts.SyntaxKind.StaticKeyword);
    const init = member.initializer;
    if (!isStatic || init === undefined || !ts.isCallExpression(init)) continue;
    const callee = init.expression;
    const isSymbolFor =
      ts.isPropertyAccessExpression(callee) &&
      ts.isIdentifier(callee.expression) &&
      callee.expression.text === "Symbol" &&
      callee.name.text === "for";
    const [key] = init.arguments;
    if (isSymbolFor && key !== undefined && ts.isStringLiteralLike(key)) return key.text;
  }
  return undefined;
}
