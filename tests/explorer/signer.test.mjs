// The explorer's signer in Node: every published vector, with WebCrypto and with the pure-JS
// fallback (the code an insecure context runs), plus the pure-JS hashes against Node's own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import { verifyAll, WIRE_VECTORS } from './vectors.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const explorer = join(here, '../../crates/connection-service/explorer');
const records = JSON.parse(readFileSync(join(here, '../../crates/acs-protocol/tests/data/sdk-signature-vectors.json'), 'utf8'));
const urls = {
  signerUrl: pathToFileURL(join(explorer, 'signer.js')).href,
  hashUrl: pathToFileURL(join(explorer, 'hash.js')).href,
};

test('the vector file holds the 32 SDK records', () => {
  assert.equal(records.length, 32);
  assert.ok(records.some((r) => r.scheme.startsWith('V3')) && records.some((r) => r.scheme.startsWith('V1')));
});

for (const backendName of ['webcrypto', 'pure-js']) {
  test(`every published vector passes (${backendName})`, async () => {
    const failures = await verifyAll({ records, wireVectors: WIRE_VECTORS, ...urls, backendName });
    assert.deepEqual(failures, []);
  });
}

test('a wrong secret does not pass (the check can fail)', async () => {
  const broken = records.map((r) => ({ ...r, access_key_secret: r.access_key_secret + 'x' }));
  const failures = await verifyAll({ records: broken, wireVectors: [], ...urls, backendName: 'pure-js' });
  assert.equal(failures.filter((f) => f.includes(' signature:')).length, 32);
});

test('pure-JS SHA-1/SHA-256/HMAC equal Node crypto on random inputs of every padding length', async () => {
  const hash = await import(urls.hashUrl);
  for (let len = 0; len < 200; len++) {
    const data = randomBytes(len);
    const key = randomBytes(len % 90);
    assert.equal(hash.hex(hash.sha256Sync(data)), createHash('sha256').update(data).digest('hex'));
    assert.equal(hash.hex(hash.sha1Sync(data)), createHash('sha1').update(data).digest('hex'));
    assert.equal(hash.hex(await hash.pureBackend.hmacSha1(key, data)), createHmac('sha1', key).update(data).digest('hex'));
    assert.equal(hash.hex(await hash.pureBackend.hmacSha256(key, data)), createHmac('sha256', key).update(data).digest('hex'));
  }
});

test('a built request verifies with the same rules the server uses', async () => {
  const signer = await import(urls.signerUrl);
  const hash = await import(urls.hashUrl);
  for (const signing of ['v1', 'v3']) {
    for (const method of ['GET', 'POST']) {
      const req = await signer.buildSignedRequest({
        action: 'ListConnections', version: '2020-05-18', params: [['ProjectId', '1'], ['Name', 'a b*~+/']],
        method, signing, accessKeyId: 'id', secret: 's3cret', host: '127.0.0.1:8080', backend: hash.pureBackend,
      });
      const everything = JSON.stringify(req);
      assert.ok(!everything.includes('s3cret'), 'the secret is in no part of the request');
      assert.equal(req.method, method);
      if (signing === 'v1') {
        const pairs = signer.parseForm(method === 'POST' ? req.body : req.url.slice(2));
        const sig = pairs.find(([k]) => k === 'Signature')[1];
        const again = await signer.signV1({ method, pairs, secret: 's3cret', backend: hash.pureBackend });
        assert.equal(sig, again.signature);
      } else {
        assert.match(req.headers.find(([n]) => n === 'authorization')[1], /^ACS3-HMAC-SHA256 Credential=id,SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*,Signature=[0-9a-f]{64}$/);
      }
    }
  }
});
