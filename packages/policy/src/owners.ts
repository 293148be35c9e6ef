/**
 * An owner CODEOWNERS accepts and GitHub can request a review from: an e-mail address, a `@user` or an
 * `@org/team`. Other strings ("Support team") identify nobody.
 */
export function isCodeOwner(owner: string): boolean {
  return (
    /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(owner) ||
    /^@[A-Za-z0-9](?:[A-Za-z0-9-]*)(?:\/[A-Za-z0-9._-]+)?$/.test(owner)
  );
}
