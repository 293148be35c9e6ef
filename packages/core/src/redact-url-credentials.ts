/**
 * `scheme://user:password@host` in any text becomes `scheme://[redacted]@host`. Gateway errors name the URL they
 * called, and an operator may have put basic-auth credentials into the base URL (GATEWAY_BASE_URL): the gateway
 * client's messages and the service's log keep the host, never the credentials.
 * Linear: the userinfo part is a run of characters that cannot start another URL or end the authority.
 */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]*@/gi;

export function redactUrlCredentials(text: string): string {
  return text.replace(URL_USERINFO, "$1[redacted]@");
}
