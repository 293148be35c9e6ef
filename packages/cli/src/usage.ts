/** Short usage texts, printed on usage errors (exit 2) and by `--help`. */
export const commandUsage = {
  validate: `Usage: promptreg validate [--dir templates] [--config FILE] [--json] [--strict]

Checks every template, label and partial under --dir and lints the Handlebars against the input
schemas, then applies the rules of promptreg.config.yaml: authoring rules and the lockfile of
published versions. Prints each problem as path:line:col: severity: message [code].

  --dir <path>      template root, relative to the current directory (default: the config's
                    templates, else templates)
  --config <file>   settings file (default: the nearest promptreg.config.yaml up to the repository root)
  --json            print a JSON report instead of text
  --strict          warnings fail the run too (exit 1)`,
  list: `Usage: promptreg list [--dir templates] [--json] [--tag T] [--owner O] [--status S]

Lists templates: id, latest published version, labels, versions and description.

  --dir <path>      template root (default: templates)
  --json            print JSON (one summary per template)
  --tag <tag>       only templates with this tag
  --owner <owner>   only templates owned by this owner
  --status <s>      draft | published | deprecated`,
  render: `Usage: promptreg render <ref> [--input file.json | --input - | --example NAME] [--json] [--dir templates]

Renders a template reference (id, id@1.2.0, id@^1, id@production) to chat messages.

  --input <file>    JSON object with the template input; "-" reads it from stdin
  --example <name>  use one of the version's examples as the input
  --json            print the full render result as JSON
  --dir <path>      template root (default: templates)`,
  show: `Usage: promptreg show <ref> [--json] [--dir templates]

Shows what a reference resolves to: version, status, hash, owners, model, changelog,
the input and output JSON Schemas, and the names of the examples.

  --json         print the version (without compiled schemas) as JSON
  --dir <path>   template root (default: templates)`,
  new: `Usage: promptreg new <id> [--dir templates] [--owner you@example.com]

Scaffolds <dir>/<id>/1.0.0.yaml: a valid draft template to edit. Never overwrites.

  --dir <path>      template root (default: templates)
  --owner <owner>   owner written into the file (default: owner@example.com)`,
  build: `Usage: promptreg build [--out dist/promptreg] [--dir templates]

Writes <out>/bundle.json (all templates, labels and partials, with hashes) and
<out>/templates.d.ts (TemplateMap: input/output types for every reference).

  --out <path>   output directory (default: dist/promptreg)
  --dir <path>   template root (default: templates)`,
  batch: `Usage: promptreg batch submit <ref> --inputs items.jsonl [--priority high|normal|low]
       promptreg batch status <id> [--watch [--interval SECONDS]]
       promptreg batch results <id> [--out results.jsonl]
       promptreg batch cancel <id>

Batch jobs on the running service (it needs REDIS_URL), signed like \`promptreg call\` (same credential and --url).

  --inputs <file>   JSON Lines: one template input object per line; each item's result carries {"line": N}
  --priority <p>    high, normal (default) or low
  --watch           poll until the batch finishes: a progress bar on a terminal, a line per change otherwise;
                    exit code 1 when any item failed
  --interval <s>    seconds between polls with --watch (default 2)
  --out <file>      write the results there, one JSON object per line in item order (default: stdout)
  --json            print the status as JSON
  --url <url>       service URL (default: PROMPTREG_URL, else the credential file's, else http://127.0.0.1:3000)`,
  call: `Usage: promptreg call <render|run> <ref> [--input file.json | --input - | --example NAME] [--stream] [--url URL] [--json]

Calls the running promptreg service with a signed request (the client SDK). Credential: PROMPTREG_KEY_ID +
PROMPTREG_SECRET, else the development credential <repo root>/.promptreg/dev-client.json written by \`pnpm start\`.

  --input <file>    JSON object with the template input; "-" reads it from stdin
  --example <name>  use one of the version's examples (read from the service) as the input
  --stream          run only: print the reply as it streams, then the output and usage
  --url <url>       service URL (default: PROMPTREG_URL, else the URL in the credential file,
                    else http://127.0.0.1:3000)
  --json            print the service's JSON answer (with --stream: one JSON event per line)`,
  lock: `Usage: promptreg lock [--dir templates] [--config FILE] [--allow-changed]

Writes the lockfile (default <templates>/promptreg.lock): the content hash of every published and
deprecated version and of the partials they include. validate fails when a locked version changes.
Refuses (exit 1) when a locked hash would change, unless --allow-changed.

  --dir <path>       template root (default: the config's templates, else templates)
  --config <file>    settings file (default: the nearest promptreg.config.yaml)
  --allow-changed    accept changed hashes of published content (say why in the pull request)`,
  review: `Usage: promptreg review --base <git-ref> [--head <git-ref>] [--format markdown|json] [--out FILE]

Compares the templates at two revisions, read through git without a checkout (--head defaults to the
working tree): versions added, removed, deprecated, label moves, message/model/params diffs, input and
output schema changes classified breaking or compatible, every example rendered before and after with
prompt-token and cost estimates, and the review policy. Exit 1 when the policy fails.

  --base <ref>       the revision to compare against, e.g. origin/main
  --head <ref>       the revision to review (default: the working tree)
  --format <f>       markdown (a pull request comment; default) or json
  --out <file>       write the report there instead of stdout
  --dir <path>       template root (default: the config's templates, else templates)
  --config <file>    settings file (default: the nearest promptreg.config.yaml)`,
  types: `Usage: promptreg types [--from URL] [--out src/promptreg.d.ts] [--check]

Writes the TypeScript TemplateMap the service serves (GET /v1/types, signed) to a file, for apps outside this
repository: every template reference you may use with its input and output types; labels are typed from the
version they point at now. Credential: PROMPTREG_KEY_ID + PROMPTREG_SECRET, else the development credential.

  --from <url>   service URL (default: PROMPTREG_URL, the credential file's, or http://127.0.0.1:3000)
  --out <file>   the declarations file (default: src/promptreg.d.ts; folders are created)
  --check        write nothing; exit 1 when the file is missing or differs from what the service serves (CI)`,
  sign: `Usage: promptreg sign <METHOD> <path> [--body FILE | --body -] [--key-id ID --secret-file FILE] [--url URL] [--format text|headers|curl|json]

Prints the four X-Promptreg-* signing headers for one request and a ready curl line, for curl, Postman or any
HTTP tool. Each signature is single use (fresh nonce, 5-minute window). Credential: --key-id + --secret-file,
else PROMPTREG_KEY_ID + PROMPTREG_SECRET, else the development credential written by \`pnpm start\`.

  <path>               path and query exactly as sent, e.g. /v1/run or "/v1/templates?tag=support"
  --body <file>        the exact body bytes to sign (and send); "-" reads them from stdin
  --key-id <id>        sign as this client key (with --secret-file)
  --secret-file <f>    file holding that key's secret (kept out of shell history and process lists)
  --url <url>          service URL for the curl line (default: PROMPTREG_URL, the credential file's, or
                       http://127.0.0.1:3000)
  --format <f>         text (headers, then the curl line; default), headers (one "Name: value" per line:
                       curl -H @file, Postman bulk edit), curl (the command line only), json`,
  snapshot: `Usage: promptreg snapshot [--dir templates] [--config FILE]

Writes the golden renders: every example of every version rendered to the messages a model receives, one
YAML file per version under the config's snapshots folder (default <templates>/_snapshots). Commit them:
validate fails when a render no longer matches (a helper, partial or template change altered a prompt).

  --dir <path>       template root (default: the config's templates, else templates)
  --config <file>    settings file (default: the nearest promptreg.config.yaml)`,
  codeowners: `Usage: promptreg codeowners [--dir templates] [--config FILE]

Writes promptreg's section of CODEOWNERS: one "/templates/<id>/ owner ..." line per template, from the owners
of its latest version, so GitHub asks them to review changes. The file is the config's codeowners, else the
first of .github/CODEOWNERS, CODEOWNERS, docs/CODEOWNERS; lines outside the section are kept. validate fails
when the section is stale.

  --dir <path>       template root (default: the config's templates, else templates)
  --config <file>    settings file (default: the nearest promptreg.config.yaml)`,
} as const;

export type CommandName = keyof typeof commandUsage;

export const topUsage = `Usage: promptreg <command> [flags]

Commands:
  validate   check templates, labels and partials; lint variables against schemas
  list       list templates with their versions and labels
  render     render a template reference to chat messages
  show       show a version's metadata, input and output schemas
  new        scaffold a new template
  build      write bundle.json and TypeScript types
  call       render or run a template on the running service (signed)
  batch      submit a batch of runs, watch its progress, fetch its results (signed)
  lock       write the lockfile of published versions' content hashes
  sign       print signing headers and a curl line for one request
  types      write (or --check) the TypeScript types the running service serves
  review     compare templates at two git revisions: diffs, renders, costs, policy
  snapshot   write the golden renders of every example (validate compares them)
  codeowners write CODEOWNERS lines from template owners (validate checks them)

Run "promptreg <command> --help" for a command's flags.
Exit codes: 0 ok, 1 content problems (invalid templates, bad input), 2 usage errors.`;
