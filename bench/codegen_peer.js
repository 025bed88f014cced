// The peer of bench/codegen.sh: postman-code-generators writing curl,
// Python requests and Go snippets for a Postman v2.1 collection.
//   node codegen_peer.js all COLLECTION.json        every request, 3 targets, one process
//   node codegen_peer.js one COLLECTION.json INDEX  one snippet (curl of request INDEX)
const fs = require('fs');
const path = require('path');
const mods = path.join(__dirname, '..', '.tools', 'codegen-peer', 'node_modules');
const codegen = require(path.join(mods, 'postman-code-generators'));
const sdk = require(path.join(mods, 'postman-collection'));

const [mode, file, index] = process.argv.slice(2);
const t0 = process.hrtime.bigint();
const coll = new sdk.Collection(JSON.parse(fs.readFileSync(file, 'utf8')));
const reqs = [];
coll.forEachItem((item) => reqs.push(item.request));

const targets = [['curl', 'cURL'], ['python', 'Requests'], ['go', 'Native']];
function convert(req, [lang, variant]) {
  let out;
  codegen.convert(lang, variant, req, { trimRequestBody: false, followRedirect: true }, (err, snippet) => {
    if (err) throw err;
    out = snippet;
  });
  return out;
}

let n = 0;
let size = 0;
if (mode === 'all') {
  for (const r of reqs) {
    for (const t of targets) {
      size += convert(r, t).length;
      n++;
    }
  }
} else {
  size += convert(reqs[Number(index || 0)], targets[0]).length;
  n++;
}
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
console.log(`${n} snippets, ${size} bytes; load+generation ${ms.toFixed(1)} ms`);
