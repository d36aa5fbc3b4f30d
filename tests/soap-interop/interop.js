// interop.js: tongban-sandbox's SOAP front end called by a SOAP client the project did
// not write (the npm soap package, pinned in package-lock.json), signing with
// WSSecurityCert (RSA-SHA256, an X.509 BinarySecurityToken) as such clients do.
//
// The certificate is made here with openssl and registered with the sandbox at start.
// Checks: the WSDL loads and the operation answers; the same request with its signed
// Body changed after signing is refused with a SOAP Fault; a certificate nobody
// registered is refused. Prints TAP.

'use strict';

const { spawn, execFileSync } = require('child_process');
const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');
const readline = require('readline');
const soap = require('soap');

const DEMO_ID = '440106199001011235';
const DEMO_NAME = '演示样卡';
const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';

let failures = 0;
let count = 0;
function check(ok, what, detail) {
  count++;
  console.log(`${ok ? 'ok' : 'not ok'} ${count} - ${what}`);
  if (!ok) {
    failures++;
    if (detail !== undefined) console.log(`# ${String(detail).split('\n').join('\n# ')}`);
  }
}

function makeCert(dir, name) {
  const key = path.join(dir, `${name}-key.pem`);
  const cert = path.join(dir, `${name}-cert.pem`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256',
    '-days', '1', '-subj', `/CN=${name}`, '-keyout', key, '-out', cert], { stdio: 'ignore' });
  return { key: fs.readFileSync(key, 'utf8'), cert: fs.readFileSync(cert, 'utf8'), certPath: cert };
}

function startSandbox(clientKeys) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.env.TONGBAN_SANDBOX, ['--port', '0'], {
      env: { ...process.env, TONGBAN_SANDBOX_SOAP_CLIENT_KEYS: clientKeys },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const lines = readline.createInterface({ input: child.stdout });
    lines.once('line', (line) => {
      const m = /^listening on 127\.0\.0\.1:(\d+)$/.exec(line);
      if (m) resolve({ child, port: Number(m[1]) });
      else reject(new Error(`unexpected first line: ${line}`));
    });
    child.once('exit', (code) => reject(new Error(`sandbox exited with ${code}`)));
  });
}

function post(port, pathName, headers, body) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: pathName, method: 'POST', headers },
      (res) => {
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => { data += chunk; });
        res.on('end', () => resolve({ status: res.statusCode, body: data }));
      });
    req.on('error', reject);
    req.end(body);
  });
}

function security(pair) {
  return new soap.WSSecurityCert(pair.key, pair.cert, '', {
    signatureAlgorithm: RSA_SHA256,
    digestAlgorithm: SHA256,
    // WS-Security's wsu:Id on the signed parts, as the standard has it.
    signerOptions: { idMode: 'wssecurity' },
  });
}

// The client's method for an operation, as a promise of [result, rawResponse].
function invoke(client, operation, input) {
  return new Promise((resolve, reject) => {
    client[operation](input, (err, result, raw) => (err ? reject(err) : resolve([result, raw])));
  });
}

function args(requestId) {
  return {
    request_id: requestId,
    terminal: 'T-INTEROP',
    service: 'F-GD-07',
    citizen: { id_type: 'resident-id', id_number: DEMO_ID, name: DEMO_NAME },
    params: {},
  };
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tongban-soap-interop-'));
  const registered = makeCert(dir, 'interop');
  const stranger = makeCert(dir, 'stranger');
  const { child, port } = await startSandbox(registered.certPath);
  const wsdl = `http://127.0.0.1:${port}/soap/gd-hrss?wsdl`;

  try {
    const client = await soap.createClientAsync(wsdl);
    client.setSecurity(security(registered));
    check(typeof client['si.info'] === 'function', 'the WSDL describes si.info');

    // 1. A signed call answers.
    let answer = null;
    try {
      [answer] = await invoke(client, 'si.info', args(`interop-${process.pid}-1`));
    } catch (err) {
      check(false, 'signed si.info answers', err.body || err.message);
    }
    if (answer) {
      check(typeof answer.status === 'string' && answer.status.length > 0,
        'the answer carries the status', JSON.stringify(answer));
      check(answer.types !== undefined, 'the answer carries the contribution types',
        JSON.stringify(answer));
    }
    const signed = client.lastRequest;
    check(/BinarySecurityToken/.test(signed) && /rsa-sha256/.test(signed),
      'the request carried an X.509 token and an RSA-SHA256 signature');

    // 2. The same signed request with the Body changed after signing: a SOAP Fault.
    const tampered = signed.replace(DEMO_NAME, '王五').replace(/interop-\d+-1/, 'interop-tampered');
    check(tampered !== signed, 'the captured request was changed');
    const headers = { 'Content-Type': 'text/xml; charset=utf-8',
      SOAPAction: '"urn:gba:tongban:backend:gd-hrss#si.info"' };
    const refused = await post(port, '/soap/gd-hrss', headers, tampered);
    check(refused.status === 500 && /<soap:Fault>/.test(refused.body)
      && /<faultcode>soap:Client<\/faultcode>/.test(refused.body)
      && /Body does not match its signed digest/.test(refused.body),
    'a tampered Body is refused with a Client fault', `${refused.status} ${refused.body}`);

    // 3. The untouched request re-posted is answered (the first answer again).
    const again = await post(port, '/soap/gd-hrss', headers, signed);
    check(again.status === 200 && /si\.infoResponse/.test(again.body),
      'the untouched signed request is answered', `${again.status} ${again.body}`);

    // 4. The same over SOAP 1.2.
    const client12 = await soap.createClientAsync(wsdl, { forceSoap12Headers: true });
    client12.setSecurity(security(registered));
    try {
      const [answer12] = await invoke(client12, 'si.info', args(`interop-${process.pid}-12`));
      check(/application\/soap\+xml/.test(client12.lastRequestHeaders['Content-Type'])
        && typeof answer12.status === 'string', 'a SOAP 1.2 call answers',
      JSON.stringify(answer12));
    } catch (err) {
      check(false, 'a SOAP 1.2 call answers', err.body || err.message);
    }

    // 5. A correctly signed call by a certificate the sandbox does not know: a Fault.
    const other = await soap.createClientAsync(wsdl);
    other.setSecurity(security(stranger));
    try {
      await invoke(other, 'si.info', args(`interop-${process.pid}-2`));
      check(false, 'an unregistered certificate is refused');
    } catch (err) {
      const body = String(err.body || '');
      check(/soap:Client/.test(body) && /not registered/.test(body),
        'an unregistered certificate is refused', body || err.message);
    }
  } finally {
    child.kill('SIGTERM');
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log(`1..${count}`);
  process.exitCode = failures ? 1 : 0;
}

main().catch((err) => {
  console.log(`not ok - ${err.stack}`);
  console.log('1..1');
  process.exit(1);
});
