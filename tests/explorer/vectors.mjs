// The published signature vectors, checked by one self-contained function that runs both in Node
// (signer.test.mjs) and inside the page (e2e.test.mjs hands it to page.evaluate, where it imports
// the page's own modules by URL). It must not refer to anything outside its body.

/**
 * Checks every record with the signer at `signerUrl` and the backend `backendName`
 * ('webcrypto' or 'pure-js') of the hash module at `hashUrl`. Returns one line per failure.
 */
export async function verifyAll({ records, wireVectors, signerUrl, hashUrl, backendName }) {
  const signer = await import(signerUrl);
  const hash = await import(hashUrl);
  const backend = backendName === 'pure-js' ? hash.pureBackend : hash.webCryptoBackend(globalThis.crypto.subtle);
  if (backend.name !== backendName) return [`backend ${backendName} unavailable`];
  const failures = [];
  const expect = (what, got, want) => {
    if (got !== want) failures.push(`${what}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  };
  for (const r of records) {
    const [path, queryText = ''] = r.path_and_query.split(/\?(.*)/s);
    const query = signer.parseForm(queryText);
    const header = (name) => (r.headers.find(([n]) => n.toLowerCase() === name) || [])[1];
    const form = (header('content-type') || '').startsWith('application/x-www-form-urlencoded');
    if (r.scheme.startsWith('V1')) {
      const pairs = [...query, ...(form ? signer.parseForm(r.body) : [])];
      const got = await signer.signV1({ method: r.method, pairs, secret: r.access_key_secret, backend });
      expect(`${r.file} string to sign`, got.stringToSign, r.string_to_sign);
      expect(`${r.file} signature`, got.signature, r.signature);
    } else {
      const auth = header('authorization');
      const signedHeaders = /SignedHeaders=([^,]*)/.exec(auth)[1].split(';');
      const got = await signer.signV3({
        method: r.method, path, query, headers: r.headers, signedHeaders, body: r.body,
        secret: r.access_key_secret, accessKeyId: r.access_key_id, backend,
      });
      expect(`${r.file} body hash`, got.bodyHash, header('x-acs-content-sha256'));
      expect(`${r.file} canonical request`, got.canonicalRequest, r.canonical_request);
      expect(`${r.file} string to sign`, got.stringToSign, r.string_to_sign);
      expect(`${r.file} signature`, got.signature, r.signature);
      expect(`${r.file} Authorization`, got.authorization, auth);
    }
  }
  for (const v of wireVectors) {
    if (v.scheme === 'v1') {
      const got = await signer.signV1({ method: v.method, pairs: v.pairs, secret: v.secret, backend });
      expect(`${v.name} signature`, got.signature, v.signature);
    } else if (v.scheme === 'v3') {
      const got = await signer.signV3({ method: v.method, path: '/', query: v.query, headers: v.headers, body: '', secret: v.secret, accessKeyId: 'x', backend });
      expect(`${v.name} hashed canonical request`, got.hashedCanonicalRequest, v.hashedCanonicalRequest);
      expect(`${v.name} signature`, got.signature, v.signature);
    } else {
      expect(`${v.name}`, signer.pe(v.input), v.encoded);
    }
  }
  return failures;
}

/** The vectors published in wire-protocol.md section 4, as data. */
export const WIRE_VECTORS = [
  {
    name: 'wire-protocol v1 DescribeRegions', scheme: 'v1', method: 'GET', secret: 'testsecret',
    pairs: [['AccessKeyId', 'testid'], ['Action', 'DescribeRegions'], ['Format', 'XML'],
      ['SignatureMethod', 'HMAC-SHA1'], ['SignatureNonce', '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf'],
      ['SignatureVersion', '1.0'], ['Timestamp', '2016-02-23T12:46:24Z'], ['Version', '2014-05-26']],
    signature: 'OLeaidS1JvxuMvnyHOwuJ+uX5qY=',
  },
  {
    name: 'wire-protocol V3 RunInstances', scheme: 'v3', method: 'POST', secret: 'YourAccessKeySecret',
    query: [['ImageId', 'win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd'], ['RegionId', 'cn-shanghai']],
    headers: [['host', 'ecs.cn-shanghai.aliyuncs.com'], ['x-acs-action', 'RunInstances'],
      ['x-acs-content-sha256', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
      ['x-acs-date', '2023-10-26T10:22:32Z'], ['x-acs-signature-nonce', '3156853299f313e23d1673dc12e1703d'],
      ['x-acs-version', '2014-05-26']],
    hashedCanonicalRequest: '7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259',
    signature: '06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0',
  },
  {
    name: 'official SDK unit test v1 {query,body}', scheme: 'v1', method: 'GET', secret: 'secret',
    pairs: [['query', 'test'], ['body', 'test']], signature: 'XlUyV4sXjOuX5FnjUz9IF9tm5rU=',
  },
  { name: 'pe() of " ~/*-+"', scheme: 'pe', input: ' ~/*-+', encoded: '%20~%2F%2A-%2B' },
];
