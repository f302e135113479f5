"""An INDEPENDENT relying party for interop tests: Yubico's python-fido2 (Debian python3-fido2
0.9.1, `fido2.server.Fido2Server`) behind a tiny http.server page. Run with Debian's
/usr/bin/python3. Prints one JSON line `{"port": N}` on stdout when listening.

The page offers `pkhRegister(username, { alg, attestation })` and `pkhLogin(username?)`, which
call navigator.credentials.create/get with python-fido2's options, as the fido2-lib RP does.
`alg` narrows pubKeyCredParams to one COSE algorithm (default: python-fido2's own list,
ES256, EdDSA, PS256, RS256); `attestation: "direct"` makes the server check the attestation
statement's signature with python-fido2's own format verifiers (packed, fido-u2f; no trust
root: the harness CA is not in any metadata).
"""
import json
import sys
from enum import Enum
from base64 import urlsafe_b64decode, urlsafe_b64encode
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from fido2.attestation import Attestation
from fido2.client import ClientData
from fido2.ctap2 import AttestationObject, AuthenticatorData
from fido2.server import Fido2Server
from fido2.webauthn import PublicKeyCredentialParameters, PublicKeyCredentialRpEntity


def b64u(data):
    return urlsafe_b64encode(bytes(data)).rstrip(b"=").decode()


def unb64u(text):
    return urlsafe_b64decode(text + "=" * (-len(text) % 4))


def jsonable(value):
    """python-fido2 option objects are dicts holding bytes and enums: make them WebAuthn JSON."""
    if isinstance(value, (bytes, bytearray)):
        return b64u(value)
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    return value


def verify_statement(attestation_object, client_data_hash):
    """Checks the statement's signature (and x5c leaf) with python-fido2's verifier for the format."""
    verifier = Attestation.for_type(attestation_object.fmt)()
    verifier.verify(attestation_object.att_statement, attestation_object.auth_data, client_data_hash)


PAGE = """<!doctype html><meta charset="utf-8"><title>python-fido2 RP</title>
<h1>Independent RP (python-fido2)</h1><pre id="result" data-testid="result"></pre>
<script>
const b64u = (buf) => btoa(String.fromCharCode(...new Uint8Array(buf))).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');
const unb64u = (s) => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((s.length + 3) % 4)), (c) => c.charCodeAt(0));
async function post(path, body) {
  const r = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = await r.json();
  if (!r.ok) throw new Error(json.error || r.statusText);
  return json;
}
function show(value) { document.getElementById('result').textContent = JSON.stringify(value); return value; }
window.pkhRegister = async (username, opts = {}) => {
  const o = (await post('/register/options', { username, ...opts })).publicKey;
  const publicKey = { ...o, challenge: unb64u(o.challenge), user: { ...o.user, id: unb64u(o.user.id) },
    excludeCredentials: (o.excludeCredentials || []).map((c) => ({ ...c, id: unb64u(c.id) })) };
  const c = await navigator.credentials.create({ publicKey });
  return show(await post('/register/verify', { username, clientDataJSON: b64u(c.response.clientDataJSON), attestationObject: b64u(c.response.attestationObject) }));
};
window.pkhLogin = async (username) => {
  const o = (await post('/login/options', { username })).publicKey;
  const publicKey = { ...o, challenge: unb64u(o.challenge), allowCredentials: (o.allowCredentials || []).map((a) => ({ ...a, id: unb64u(a.id) })) };
  const c = await navigator.credentials.get({ publicKey });
  return show(await post('/login/verify', { credentialId: b64u(c.rawId), clientDataJSON: b64u(c.response.clientDataJSON),
    authenticatorData: b64u(c.response.authenticatorData), signature: b64u(c.response.signature),
    userHandle: c.response.userHandle ? b64u(c.response.userHandle) : null }));
};
</script>"""


class State:
    origin = ""
    credentials = []  # (username, AttestedCredentialData, user_handle)
    pending = {}
    counters = {}


def server_for(attestation, alg):
    server = Fido2Server(
        PublicKeyCredentialRpEntity("localhost", "python-fido2 interop RP"),
        attestation=attestation,
        verify_origin=lambda origin: origin == State.origin,
        verify_attestation=verify_statement,
    )
    if alg is not None:
        server.allowed_algorithms = [PublicKeyCredentialParameters("public-key", alg)]
    return server


def flag_names(auth_data):
    names = []
    for bit, name in ((0x01, "UP"), (0x04, "UV"), (0x08, "BE"), (0x10, "BS"), (0x40, "AT"), (0x80, "ED")):
        if auth_data.flags & bit:
            names.append(name)
    return names


def handle(path, body):
    if path == "/register/options":
        username = body["username"]
        user_handle = ("user:" + username).encode()
        server = server_for(body.get("attestation"), body.get("alg"))
        existing = [c for (u, c, _) in State.credentials if u == username]
        options, state = server.register_begin(
            {"id": user_handle, "name": username, "displayName": username},
            existing,
            resident_key=True,  # 0.9.1 sends requireResidentKey
            user_verification="preferred",
        )
        State.pending["reg:" + username] = (server, state, user_handle)
        return jsonable(dict(options))
    if path == "/register/verify":
        server, state, user_handle = State.pending.pop("reg:" + body["username"])
        client_data = ClientData(unb64u(body["clientDataJSON"]))
        attestation_object = AttestationObject(unb64u(body["attestationObject"]))
        auth_data = server.register_complete(state, client_data, attestation_object)
        credential = auth_data.credential_data
        State.credentials.append((body["username"], credential, user_handle))
        State.counters[bytes(credential.credential_id)] = auth_data.counter
        aaguid = credential.aaguid.hex()
        return {
            "ok": True,
            "credentialId": b64u(credential.credential_id),
            "fmt": attestation_object.fmt,
            "alg": credential.public_key.ALGORITHM,
            "aaguid": "%s-%s-%s-%s-%s" % (aaguid[0:8], aaguid[8:12], aaguid[12:16], aaguid[16:20], aaguid[20:]),
            "counter": auth_data.counter,
            "flags": flag_names(auth_data),
        }
    if path == "/login/options":
        username = body.get("username")
        server = server_for(None, None)
        allowed = [c for (u, c, _) in State.credentials if username and u == username]
        options, state = server.authenticate_begin(allowed, user_verification="preferred")
        challenge = state["challenge"]
        State.pending["login:" + challenge] = (server, state)
        return jsonable(dict(options))
    if path == "/login/verify":
        client_data = ClientData(unb64u(body["clientDataJSON"]))
        server, state = State.pending.pop("login:" + b64u(client_data.challenge))
        credential_id = unb64u(body["credentialId"])
        auth_data = AuthenticatorData(unb64u(body["authenticatorData"]))
        everyone = [c for (_, c, _) in State.credentials]
        server.authenticate_complete(state, everyone, credential_id, client_data, auth_data, unb64u(body["signature"]))
        username, _, user_handle = next(x for x in State.credentials if bytes(x[1].credential_id) == credential_id)
        if body.get("userHandle") is not None and unb64u(body["userHandle"]) != user_handle:
            raise ValueError("user handle does not match the credential")
        # WebAuthn §7.2 step 21 (python-fido2 leaves the counter to the RP): a non-zero counter must grow.
        previous = State.counters.get(credential_id, 0)
        if (auth_data.counter != 0 or previous != 0) and auth_data.counter <= previous:
            raise ValueError("signature counter did not increase: possible cloned authenticator")
        State.counters[credential_id] = auth_data.counter
        return {"ok": True, "username": username, "credentialId": b64u(credential_id), "counter": auth_data.counter, "flags": flag_names(auth_data)}
    raise LookupError("not found")


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def reply(self, status, content_type, text):
        data = text.encode()
        self.send_response(status)
        self.send_header("content-type", content_type)
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path.split("?")[0] == "/":
            self.reply(200, "text/html; charset=utf-8", PAGE)
        else:
            self.reply(404, "text/plain", "not found")

    def do_POST(self):
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b"{}"
        try:
            self.reply(200, "application/json", json.dumps(handle(self.path, json.loads(raw or b"{}"))))
        except LookupError as error:
            self.reply(404, "application/json", json.dumps({"error": str(error)}))
        except Exception as error:  # every verification failure is a 400 with python-fido2's message
            self.reply(400, "application/json", json.dumps({"error": "%s: %s" % (type(error).__name__, error)}))


def main():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port = httpd.server_address[1]
    State.origin = "http://localhost:%d" % port
    sys.stdout.write(json.dumps({"port": port}) + "\n")
    sys.stdout.flush()
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
