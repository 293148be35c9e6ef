#!/usr/bin/env python3
"""Reference signer for the promptreg service, in Python 3 with the standard library only.

The scheme (docs/security.md, "The scheme (version v1)") signs six fields joined by line feeds:

    v1\\n<METHOD>\\n<path and query>\\n<timestamp>\\n<nonce>\\n<hex sha256 of the body bytes>

with HMAC-SHA256 keyed by the UTF-8 bytes of the client secret, sent as four X-Promptreg-* headers.

As a module:  from promptreg_sign import sign, call
As a command: PROMPTREG_KEY_ID=... PROMPTREG_SECRET=... python3 promptreg_sign.py POST /v1/render --body request.json
              (--url, default $PROMPTREG_URL or http://127.0.0.1:3000; --body - reads stdin). Prints the answer's
              body; exit 0 on a 2xx answer, 1 otherwise (the service's error on stderr).
"""

import argparse
import base64
import hashlib
import hmac
import json
import os
import sys
import time
import urllib.error
import urllib.request

SCHEME = "v1"


def string_to_sign(method, path_and_query, timestamp, nonce, body=b""):
    """The exact text the HMAC covers: six fields, one line feed between them, no trailing line feed."""
    return "\n".join(
        [SCHEME, method.upper(), path_and_query, str(timestamp), nonce, hashlib.sha256(body).hexdigest()]
    )


def sign(key_id, secret, method, path_and_query, body=b"", timestamp=None, nonce=None):
    """The four headers for one request. `body` is the exact bytes you send; sign right before sending, once."""
    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    nonce = nonce or base64.urlsafe_b64encode(os.urandom(16)).rstrip(b"=").decode()
    message = string_to_sign(method, path_and_query, timestamp, nonce, body)
    signature = hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()
    return {
        "X-Promptreg-Key": key_id,
        "X-Promptreg-Timestamp": timestamp,
        "X-Promptreg-Nonce": nonce,
        "X-Promptreg-Signature": SCHEME + "=" + signature,
    }


def call(base_url, key_id, secret, method, path_and_query, body=b"", timeout=60):
    """Signs and sends one request; returns (HTTP status, body bytes). Network failures raise urllib's URLError."""
    headers = sign(key_id, secret, method, path_and_query, body)
    if body:
        headers["content-type"] = "application/json"
    request = urllib.request.Request(
        base_url.rstrip("/") + path_and_query, data=body or None, headers=headers, method=method.upper()
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def main(argv=None):
    parser = argparse.ArgumentParser(description="Send one signed request to the promptreg service.")
    parser.add_argument("method", help="HTTP method, e.g. POST")
    parser.add_argument("path", help='path and query exactly as sent, e.g. /v1/render or "/v1/templates?tag=a"')
    parser.add_argument("--body", help='file with the exact body bytes; "-" reads stdin')
    parser.add_argument("--url", default=os.environ.get("PROMPTREG_URL", "http://127.0.0.1:3000"))
    args = parser.parse_args(argv)
    key_id = os.environ.get("PROMPTREG_KEY_ID")
    secret = os.environ.get("PROMPTREG_SECRET")
    if not key_id or not secret:
        print("promptreg_sign: set PROMPTREG_KEY_ID and PROMPTREG_SECRET (the secret never goes on the command line).",
              file=sys.stderr)
        return 2
    if not args.path.startswith("/"):
        print('promptreg_sign: the path must start with "/" (no scheme or host): e.g. /v1/render', file=sys.stderr)
        return 2
    if args.body is None:
        body = b""
    elif args.body == "-":
        body = sys.stdin.buffer.read()
    else:
        with open(args.body, "rb") as file:
            body = file.read()
    try:
        status, answer = call(args.url, key_id, secret, args.method, args.path, body)
    except OSError as error:
        print("promptreg_sign: cannot reach the promptreg service at %s: %s" % (args.url, error), file=sys.stderr)
        return 1
    if 200 <= status < 300:
        sys.stdout.write(answer.decode("utf-8"))
        return 0
    try:
        detail = json.loads(answer)["error"]
        print("promptreg_sign: HTTP %d %s: %s" % (status, detail["code"], detail["message"]), file=sys.stderr)
    except (ValueError, KeyError, TypeError):
        print("promptreg_sign: HTTP %d: %s" % (status, answer[:200].decode("utf-8", "replace")), file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
