// Sample code for exactly the request in the form: the aliyun CLI, the official Python, Java,
// TypeScript and Go SDKs pointed at this server, our Rust client, and curl with a signed URL.
// Credentials are always read from the environment, never written into a snippet.

const ENV_ID = 'ALIBABA_CLOUD_ACCESS_KEY_ID';
const ENV_SECRET = 'ALIBABA_CLOUD_ACCESS_KEY_SECRET';
const ENV_TOKEN = 'ALIBABA_CLOUD_SECURITY_TOKEN';

/** A double-quoted literal valid in Python, Java, Go, TypeScript and Rust (JSON's escapes). */
function str(value) {
  return JSON.stringify(String(value)).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** POSIX shell single-quoted word. */
function sh(value) {
  return `'${String(value).replace(/'/g, `'"'"'`)}'`;
}

function camel(snake) {
  return snake.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());
}

function isInt(param) {
  return param.type === 'integer';
}

/** Literal of a filled-in value for typed languages: numbers stay numbers. */
function literal(param, value, lang) {
  if (!isInt(param) || !/^[+-]?\d+$/.test(value.trim())) return str(value);
  const n = BigInt(value.trim()).toString();
  if (lang === 'java') return param.format === 'int64' ? `${n}L` : n;
  if (lang === 'go') return param.format === 'int64' ? `tea.Int64(${n})` : `tea.Int32(${n})`;
  return n;
}

function goValue(param, value) {
  return isInt(param) ? literal(param, value, 'go') : `tea.String(${str(value)})`;
}

function cli(ctx) {
  const lines = [`aliyun dataworks-public ${ctx.op.name}`];
  for (const { param, value } of ctx.values) lines.push(`  --${param.name} ${sh(value)}`);
  lines.push(`  --endpoint ${ctx.host} --insecure`);
  lines.push(`  --access-key-id "$${ENV_ID}" --access-key-secret "$${ENV_SECRET}"`);
  if (ctx.sts) lines.push(`  --sts-token "$${ENV_TOKEN}" --mode StsToken`);
  lines.push(`  --region ${sh(ctx.region || 'cn-shanghai')}`);
  return lines.join(' \\\n');
}

function python(ctx) {
  const args = ctx.values.map(({ param, value }) => `    ${param.snake}=${isInt(param) ? literal(param, value) : str(value)},`);
  return [
    '# pip install alibabacloud-dataworks-public20200518',
    'import json',
    'import os',
    '',
    'from alibabacloud_dataworks_public20200518 import models',
    'from alibabacloud_dataworks_public20200518.client import Client',
    'from alibabacloud_tea_openapi.models import Config',
    'from alibabacloud_tea_util.models import RuntimeOptions',
    '',
    'config = Config(',
    `    access_key_id=os.environ["${ENV_ID}"],`,
    `    access_key_secret=os.environ["${ENV_SECRET}"],`,
    ...(ctx.sts ? [`    security_token=os.environ["${ENV_TOKEN}"],`] : []),
    `    endpoint=${str(ctx.host)},`,
    `    protocol=${str(ctx.scheme)},`,
    ')',
    ...(ctx.signing === 'v1' ? ['config.signature_algorithm = "v2"  # HMAC-SHA1 (the "v1" signature)'] : []),
    'client = Client(config)',
    `request = models.${ctx.op.name}Request(`,
    ...args,
    ')',
    `response = client.${ctx.op.sdkMethod}_with_options(request, RuntimeOptions())`,
    'print(json.dumps(response.body.to_map()))',
  ].join('\n');
}

function java(ctx) {
  const sets = ctx.values.map(({ param, value }) => `            .set${param.name}(${literal(param, value, 'java')})`);
  const method = camel(ctx.op.sdkMethod);
  return [
    '// Maven: com.aliyun:dataworks_public20200518',
    'import com.aliyun.dataworks_public20200518.Client;',
    `import com.aliyun.dataworks_public20200518.models.${ctx.op.name}Request;`,
    `import com.aliyun.dataworks_public20200518.models.${ctx.op.name}Response;`,
    'import com.aliyun.teaopenapi.models.Config;',
    'import com.aliyun.teautil.models.RuntimeOptions;',
    '',
    'public class Sample {',
    '    public static void main(String[] args) throws Exception {',
    '        Config config = new Config()',
    `            .setAccessKeyId(System.getenv("${ENV_ID}"))`,
    `            .setAccessKeySecret(System.getenv("${ENV_SECRET}"))`,
    ...(ctx.sts ? [`            .setSecurityToken(System.getenv("${ENV_TOKEN}"))`] : []),
    ...(ctx.signing === 'v1' ? ['            .setSignatureAlgorithm("v2")'] : []),
    `            .setEndpoint(${str(ctx.host)})`,
    `            .setProtocol(${str(ctx.scheme)});`,
    '        Client client = new Client(config);',
    `        ${ctx.op.name}Request request = new ${ctx.op.name}Request()${sets.length ? '\n' + sets.join('\n') : ''};`,
    `        ${ctx.op.name}Response response = client.${method}WithOptions(request, new RuntimeOptions());`,
    '        System.out.println(com.aliyun.teautil.Common.toJSONString(response.body));',
    '    }',
    '}',
  ].join('\n');
}

function typescript(ctx) {
  const fields = ctx.values.map(({ param, value }) => `  ${camel(param.snake)}: ${literal(param, value, 'ts')},`);
  return [
    '// npm install @alicloud/dataworks-public20200518 @alicloud/openapi-client @alicloud/tea-util',
    "import Client, * as $DataWorks from '@alicloud/dataworks-public20200518';",
    "import * as $OpenApi from '@alicloud/openapi-client';",
    "import * as $Util from '@alicloud/tea-util';",
    '',
    'const config = new $OpenApi.Config({',
    `  accessKeyId: process.env.${ENV_ID},`,
    `  accessKeySecret: process.env.${ENV_SECRET},`,
    ...(ctx.sts ? [`  securityToken: process.env.${ENV_TOKEN},`] : []),
    ...(ctx.signing === 'v1' ? ["  signatureAlgorithm: 'v2',"] : []),
    `  endpoint: ${str(ctx.host)},`,
    `  protocol: ${str(ctx.scheme)},`,
    '});',
    'const client = new Client(config);',
    `const request = new $DataWorks.${ctx.op.name}Request({`,
    ...fields,
    '});',
    `const response = await client.${camel(ctx.op.sdkMethod)}WithOptions(request, new $Util.RuntimeOptions({}));`,
    'console.log(JSON.stringify(response.body));',
  ].join('\n');
}

function go(ctx) {
  const width = Math.max(0, ...ctx.values.map(({ param }) => param.name.length)) + 1;
  const fields = ctx.values.map(({ param, value }) => `\t\t${(param.name + ':').padEnd(width)} ${goValue(param, value)},`);
  return [
    '// go get github.com/alibabacloud-go/dataworks-public-20200518/v6',
    'package main',
    '',
    'import (',
    '\t"fmt"',
    '\t"os"',
    '',
    '\topenapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"',
    '\tdataworks "github.com/alibabacloud-go/dataworks-public-20200518/v6/client"',
    '\tutil "github.com/alibabacloud-go/tea-utils/v2/service"',
    '\t"github.com/alibabacloud-go/tea/tea"',
    ')',
    '',
    'func main() {',
    '\tconfig := &openapi.Config{',
    `\t\tAccessKeyId:     tea.String(os.Getenv("${ENV_ID}")),`,
    `\t\tAccessKeySecret: tea.String(os.Getenv("${ENV_SECRET}")),`,
    ...(ctx.sts ? [`\t\tSecurityToken:   tea.String(os.Getenv("${ENV_TOKEN}")),`] : []),
    ...(ctx.signing === 'v1' ? ['\t\tSignatureAlgorithm: tea.String("v2"),'] : []),
    `\t\tEndpoint:        tea.String(${str(ctx.host)}),`,
    `\t\tProtocol:        tea.String(${str(ctx.scheme)}),`,
    '\t}',
    '\tclient, err := dataworks.NewClient(config)',
    '\tif err != nil {',
    '\t\tpanic(err)',
    '\t}',
    `\trequest := &dataworks.${ctx.op.name}Request{`,
    ...fields,
    '\t}',
    `\tresponse, err := client.${ctx.op.name}WithOptions(request, &util.RuntimeOptions{})`,
    '\tif err != nil {',
    '\t\tpanic(err)',
    '\t}',
    '\tfmt.Println(response.Body)',
    '}',
  ].join('\n');
}

function rustValue(param, value) {
  if (param.rustType) return `${str(value)}.parse::<dataworks_client::${param.rustType}>()?`;
  return isInt(param) ? literal(param, value, 'rust') : str(value);
}

function rust(ctx) {
  const required = ctx.op.params.filter((p) => p.required && !p.common);
  const byName = new Map(ctx.values.map((v) => [v.param.name, v.value]));
  const args = required.map((p) => rustValue(p, byName.get(p.name) ?? ''));
  const setters = ctx.values
    .filter(({ param }) => !param.required || param.common)
    .map(({ param, value }) => `        .${param.common ? 'region_id' : param.rustSetter}(${rustValue(param, value)})`)
    .filter((line) => !line.includes('.region_id('));
  const builder = [
    '    let client = dataworks_client::Client::builder()',
    `        .endpoint(${str(`${ctx.scheme}://${ctx.host}`)})`,
    ...(ctx.signing === 'v1' ? ['        .signature_version(dataworks_client::SignatureVersion::V1)'] : []),
    ...(ctx.format === 'XML' ? ['        .format(dataworks_client::Format::Xml)'] : []),
    '        .build()?;',
  ];
  return [
    '// Cargo.toml: dataworks-client (this repository\'s crates/dataworks-client),',
    '// tokio = { version = "1", features = ["macros", "rt-multi-thread"] }',
    `// Credentials: ${ENV_ID}, ${ENV_SECRET}${ctx.sts ? `, ${ENV_TOKEN}` : ''} (read by the builder).`,
    '#[tokio::main]',
    'async fn main() -> Result<(), Box<dyn std::error::Error>> {',
    ...builder,
    `    let request = dataworks_client::${ctx.op.name}Request::new(${args.join(', ')})${setters.length ? '\n' + setters.join('\n') : ''};`,
    `    let answer = client.${ctx.op.sdkMethod}(request).await?;`,
    '    println!("RequestId={} {:?}", answer.request_id(), answer.body());',
    '    Ok(())',
    '}',
  ].join('\n');
}

function curl(ctx) {
  if (!ctx.signedUrl) return '# Enter the AccessKey to get a signed URL for curl.';
  return [
    '# Signed (v1, GET) for exactly this request: valid ONCE, for 15 minutes',
    '# (the server refuses a reused nonce and a timestamp older than 15 minutes).',
    `curl -sS ${sh(ctx.signedUrl)}`,
  ].join('\n');
}

/** Every snippet for the request: [{ id, label, code, note }]. */
export function snippets(ctx) {
  return [
    { id: 'cli', label: 'aliyun CLI', code: cli(ctx) },
    { id: 'python', label: 'Python', code: python(ctx) },
    { id: 'java', label: 'Java', code: java(ctx) },
    { id: 'typescript', label: 'TypeScript', code: typescript(ctx) },
    { id: 'go', label: 'Go', code: go(ctx) },
    { id: 'rust', label: 'Rust (dataworks-client)', code: rust(ctx) },
    { id: 'curl', label: 'curl', code: curl(ctx), note: 'Valid once, for 15 minutes.' },
  ];
}
