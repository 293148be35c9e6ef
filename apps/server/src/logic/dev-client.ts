import { randomBytes } from "node:crypto";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";

/** A local development credential, created on first start and reused afterwards. Never used in production. */
export interface DevClient {
  keyId: string;
  secret: string;
  file: string;
  created: boolean;
}

const fileSchema = z.object({
  keyId: z.string().min(1),
  secret: z.string().min(16),
  baseUrl: z.string().optional(),
});

export const DEV_KEY_ID = "dev-local";

/**
 * Reads `file` or creates it (directory 0700, file 0600) with a fresh 32-byte secret. The file is under
 * `.promptreg/`, which .gitignore excludes.
 */
export async function loadOrCreateDevClient({
  file,
  baseUrl,
}: {
  file: string;
  baseUrl: string;
}): Promise<DevClient> {
  try {
    const parsed = fileSchema.safeParse(JSON.parse(await readFile(file, "utf8")));
    if (parsed.success) {
      if (parsed.data.baseUrl !== baseUrl) await write(file, { ...parsed.data, baseUrl });
      return { keyId: parsed.data.keyId, secret: parsed.data.secret, file, created: false };
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT" && !(error instanceof SyntaxError)) throw error;
  }
  const secret = randomBytes(32).toString("base64url");
  await write(file, { keyId: DEV_KEY_ID, secret, baseUrl });
  return { keyId: DEV_KEY_ID, secret, file, created: true };
}

async function write(file: string, content: Record<string, string>): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
}
