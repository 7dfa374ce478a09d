// Alibaba Cloud request signing, as the official SDKs do it (wire-protocol.md section 4):
// signature V3 (ACS3-HMAC-SHA256, the SDKs' default) and the RPC signature "v1" (HMAC-SHA1).
// Pure functions over a hash backend (./hash.js), so Node's tests and the page run the same code.

import { bytes, hex, base64, defaultBackend } from './hash.js';

const UNRESERVED = /[A-Za-z0-9\-_.~]/;

/** Alibaba's percent-encoding: keeps A-Z a-z 0-9 - _ . ~, writes every other UTF-8 byte as %XX. */
export function pe(text) {
  let out = '';
  for (const b of bytes(String(text))) {
    const c = String.fromCharCode(b);
    out += b < 0x80 && UNRESERVED.test(c) ? c : '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/** Decodes `a=1&b=x+y` into pairs, as the server does (`+` is a space, blank values kept). */
export function parseForm(text) {
  if (!text) return [];
  return text.split('&').filter((part) => part !== '').map((part) => {
    const at = part.indexOf('=');
    const [name, value] = at < 0 ? [part, ''] : [part.slice(0, at), part.slice(at + 1)];
    const decode = (s) => decodeURIComponent(s.replace(/\+/g, ' '));
    return [decode(name), decode(value)];
  });
}

/** Parameters as a form body or query string (pe() encoding, which every server decodes). */
export function formEncode(pairs) {
  return pairs.map(([k, v]) => `${pe(k)}=${pe(v)}`).join('&');
}

/** `pe(name)=pe(value)` sorted by the encoded name, joined by `&` (both signatures use it). */
export function canonicalQuery(pairs) {
  return pairs
    .map(([k, v]) => [pe(k), pe(v)])
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

/** v1: `METHOD&%2F&pe(canonical query without Signature)`. */
export function v1StringToSign(method, pairs) {
  const signed = pairs.filter(([k]) => k !== 'Signature');
  return `${method.toUpperCase()}&${pe('/')}&${pe(canonicalQuery(signed))}`;
}

/** v1 signature: base64(HMAC-SHA1(secret + "&", string to sign)). */
export async function signV1({ method, pairs, secret, backend = defaultBackend() }) {
  const stringToSign = v1StringToSign(method, pairs);
  const signature = base64(await backend.hmacSha1(`${secret}&`, stringToSign));
  return { canonicalRequest: canonicalQuery(pairs.filter(([k]) => k !== 'Signature')), stringToSign, signature };
}

/**
 * V3 canonical request. `headers`: [name, value] pairs (any case); `signedHeaders`: lower-case
 * names in the order to sign (sorted when not given: every `x-acs-*` header, `host`, `content-type`).
 */
export function v3CanonicalRequest({ method, path = '/', query, headers, signedHeaders, bodyHash }) {
  const lower = new Map();
  for (const [name, value] of headers) lower.set(name.toLowerCase(), String(value).trim());
  const names = (signedHeaders || [...lower.keys()].filter(
    (n) => n === 'host' || n === 'content-type' || n.startsWith('x-acs-'),
  )).map((n) => n.toLowerCase());
  if (!signedHeaders) names.sort();
  const canonicalHeaders = names.map((n) => `${n}:${lower.get(n) ?? ''}\n`).join('');
  return {
    canonicalRequest: [method.toUpperCase(), path, canonicalQuery(query), canonicalHeaders, names.join(';'), bodyHash].join('\n'),
    signedHeaders: names.join(';'),
  };
}

/** V3 signature over the request; returns every intermediate for the inspector. */
export async function signV3({ method, path = '/', query, headers, signedHeaders, body = '', secret, accessKeyId, backend = defaultBackend() }) {
  const bodyHash = hex(await backend.sha256(body));
  const canonical = v3CanonicalRequest({ method, path, query, headers, signedHeaders, bodyHash });
  const hashedCanonicalRequest = hex(await backend.sha256(canonical.canonicalRequest));
  const stringToSign = `ACS3-HMAC-SHA256\n${hashedCanonicalRequest}`;
  const signature = hex(await backend.hmacSha256(secret, stringToSign));
  return {
    ...canonical,
    bodyHash,
    hashedCanonicalRequest,
    stringToSign,
    signature,
    authorization: `ACS3-HMAC-SHA256 Credential=${accessKeyId},SignedHeaders=${canonical.signedHeaders},Signature=${signature}`,
  };
}

/** `yyyy-MM-ddTHH:mm:ssZ` (UTC), the timestamp both signatures use. */
export function timestamp(date = new Date()) {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A random 32-hex-digit nonce. */
export function nonce() {
  const b = new Uint8Array(16);
  globalThis.crypto.getRandomValues(b);
  return hex(b);
}

/**
 * A complete signed request for the page to send.
 *   params: [name, value] API parameters (Action and Version excluded);
 *   signing: 'v3' | 'v1'; method: 'GET' | 'POST' (POST = form body); format: 'JSON' | 'XML'.
 * Returns { method, url, headers: [[name, value]], body, inspector } where the inspector holds the
 * canonical request, string to sign, signed headers and signature (never the secret).
 */
export async function buildSignedRequest({
  action, version, params, method = 'GET', signing = 'v3', format = 'JSON',
  accessKeyId, secret, securityToken = '', host, date = new Date(), signatureNonce = nonce(),
  backend = defaultBackend(),
}) {
  const apiParams = params.filter(([, v]) => v !== undefined && v !== null && v !== '');
  if (format && format.toUpperCase() === 'XML') apiParams.push(['Format', 'XML']);
  const ts = timestamp(date);
  const formType = 'application/x-www-form-urlencoded';
  if (signing === 'v1') {
    const pairs = [
      ['Action', action], ['Version', version], ...apiParams,
      ['AccessKeyId', accessKeyId], ['SignatureMethod', 'HMAC-SHA1'], ['SignatureVersion', '1.0'],
      ['SignatureNonce', signatureNonce], ['Timestamp', ts],
    ];
    if (securityToken) pairs.push(['SecurityToken', securityToken]);
    const signed = await signV1({ method, pairs, secret, backend });
    const all = formEncode([...pairs, ['Signature', signed.signature]]);
    const post = method === 'POST';
    return {
      method,
      url: post ? '/' : `/?${all}`,
      headers: post ? [['content-type', formType]] : [],
      body: post ? all : '',
      inspector: {
        scheme: 'v1 HMAC-SHA1',
        canonicalRequest: signed.canonicalRequest,
        stringToSign: signed.stringToSign,
        signedHeaders: '(v1 signs the parameters, not headers)',
        signature: signed.signature,
      },
    };
  }
  const post = method === 'POST';
  const query = post ? [] : apiParams;
  const body = post ? formEncode(apiParams) : '';
  const headers = [
    ['host', host],
    ['x-acs-action', action],
    ['x-acs-version', version],
    ['x-acs-date', ts],
    ['x-acs-signature-nonce', signatureNonce],
    ['x-acs-content-sha256', hex(await backend.sha256(body))],
  ];
  if (post) headers.push(['content-type', formType]);
  if (securityToken) headers.push(['x-acs-security-token', securityToken]);
  const signed = await signV3({ method, query, headers, body, secret, accessKeyId, backend });
  const queryText = formEncode(query);
  return {
    method,
    url: queryText ? `/?${queryText}` : '/',
    // `host` is signed but the browser sets it itself (it is a forbidden header name for fetch).
    headers: [...headers.filter(([n]) => n !== 'host'), ['authorization', signed.authorization]],
    body,
    inspector: {
      scheme: 'V3 ACS3-HMAC-SHA256',
      canonicalRequest: signed.canonicalRequest,
      stringToSign: signed.stringToSign,
      signedHeaders: signed.signedHeaders,
      signature: signed.signature,
    },
  };
}
