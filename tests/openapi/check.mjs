// check.mjs - what the OpenAPI tests (tests/cli/server/openapi*.sh) ask of landfall's document:
//
//   node check.mjs doc FILE
//     validates FILE with @seriousme/openapi-schema-validator (the OpenAPI 3.1 schema and its
//     internal references), then compiles every schema in it (components, parameters, bodies,
//     answers) with Ajv's JSON Schema 2020-12 in strict mode, which refuses a schema that is not
//     valid 2020-12 or uses a keyword it does not know. Prints "valid 3.1" and N schemas.
//
//   node check.mjs answers FILE MANIFEST
//     MANIFEST has one exchange a line: METHOD, URL path, status, answer file and, for a
//     request with a body, its file, separated by tabs. For each it finds the document's
//     operation by matching the path (concrete paths before templated ones, as OpenAPI says),
//     and validates the answer against the operation's schema for that status (and the request
//     body against its requestBody schema, and the query parameters of a request the server
//     accepted against the operation's parameters). Prints "ok ..." or "FAIL ..." per line.
import { readFileSync } from "node:fs";
import { Validator } from "@seriousme/openapi-schema-validator";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const BASE = "https://landfall.invalid/openapi.json";

// The document's schemas as one 2020-12 schema resource: components.schemas become $defs, and
// every "#/components/schemas/X" reference "#/$defs/X".
function ajvFor(doc) {
  const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
  addFormats(ajv);
  const text = JSON.stringify({ $id: BASE, $defs: doc.components.schemas }).replaceAll(
    '"#/components/schemas/',
    '"#/$defs/',
  );
  ajv.addSchema(JSON.parse(text));
  return ajv;
}

// Compiles schema (once for each distinct text: the document repeats its parameters' schemas).
const compiled = new Map();
function compile(ajv, schema) {
  const text = JSON.stringify(schema).replaceAll('"#/components/schemas/', `"${BASE}#/$defs/`);
  if (!compiled.has(text)) compiled.set(text, ajv.compile(JSON.parse(text)));
  return compiled.get(text);
}

function deref(doc, obj) {
  while (obj && obj.$ref) {
    obj = obj.$ref
      .slice(2)
      .split("/")
      .reduce((o, k) => o[k.replaceAll("~1", "/").replaceAll("~0", "~")], doc);
  }
  return obj;
}

async function checkDoc(file) {
  const validator = new Validator();
  const res = await validator.validate(file);
  if (!res.valid) {
    console.log("FAIL: not a valid OpenAPI document:", JSON.stringify(res.errors, null, 1));
    process.exit(1);
  }
  console.log(`valid ${validator.version}`);
  const doc = JSON.parse(readFileSync(file, "utf8"));
  const ajv = ajvFor(doc);
  let n = 0;
  for (const name of Object.keys(doc.components.schemas)) {
    ajv.getSchema(`${BASE}#/$defs/${name}`); // compiles it, throwing on a bad schema
    n++;
  }
  // every inline schema: parameters, request bodies, answers
  const walk = (o) => {
    if (!o || typeof o !== "object") return;
    if (o.schema && typeof o.schema === "object") {
      compile(ajv, o.schema);
      n++;
    }
    for (const v of Object.values(o)) walk(v);
  };
  walk(doc.paths);
  walk(doc.components.responses);
  console.log(`${n} schemas (${compiled.size} distinct inline ones) compile as JSON Schema 2020-12 (strict)`);
}

// The operation of METHOD PATH: concrete paths first, then templated ones.
function findOperation(doc, method, path) {
  const entries = Object.entries(doc.paths);
  const concrete = entries.filter(([p]) => !p.includes("{"));
  const templated = entries.filter(([p]) => p.includes("{"));
  const clean = path.split("?")[0].replace(/(.)\/$/, "$1");
  for (const [p, item] of [...concrete, ...templated]) {
    const re = new RegExp(
      "^" + p.replace(/[.]/g, "\\.").replace(/\{[^}]+\}/g, "[^/]+") + "$",
    );
    if (re.test(clean) && item[method.toLowerCase()]) return [p, item[method.toLowerCase()]];
  }
  return [null, null];
}

// The query parameters of an accepted request: each declared by the operation (unless it takes
// free-form ones), its value valid against the parameter's schema once the query string is
// read as OpenAPI's form style says (explode: repeated; not exploded: comma-separated).
function queryProblems(ajv, op, path) {
  const query = new URLSearchParams(path.split("?")[1] || "");
  const params = (op.parameters || []).filter((p) => p.in === "query");
  const freeForm = params.some((p) => p.schema.type === "object");
  const problems = [];
  for (const name of new Set(query.keys())) {
    const p = params.find((q) => q.name === name);
    if (!p) {
      if (!freeForm) problems.push(`query parameter '${name}' is not documented`);
      continue;
    }
    const type = [].concat(p.schema.type)[0];
    const scalar = (t, v) =>
      t === "integer" || t === "number" ? Number(v) : t === "boolean" ? v === "true" : v;
    let value = query.getAll(name);
    if (type === "array") {
      if (p.explode === false) value = value.flatMap((v) => v.split(","));
      value = value.map((v) => scalar(p.schema.items.type, v));
    } else {
      value = scalar(type, value[0]);
    }
    const validate = compile(ajv, p.schema);
    if (!validate(value))
      problems.push(`query parameter '${name}': ${ajv.errorsText(validate.errors)}`);
  }
  return problems;
}

function checkAnswers(file, manifest) {
  const doc = JSON.parse(readFileSync(file, "utf8"));
  const ajv = ajvFor(doc);
  let failed = 0;
  for (const line of readFileSync(manifest, "utf8").split("\n")) {
    if (!line.trim()) continue;
    const [method, path, status, answerFile, requestFile] = line.split("\t");
    const what = `${method} ${path} ${status}`;
    const [template, op] = findOperation(doc, method, path);
    if (!op) {
      console.log(`FAIL ${what}: no operation in the document`);
      failed++;
      continue;
    }
    const answer = deref(doc, op.responses[status] || op.responses.default);
    const schema = answer?.content?.["application/json"]?.schema;
    if (!op.responses[status]) {
      console.log(`FAIL ${what}: ${template} does not document status ${status}`);
      failed++;
      continue;
    }
    const problems = [];
    const validate = compile(ajv, schema);
    if (!validate(JSON.parse(readFileSync(answerFile, "utf8"))))
      problems.push("answer: " + ajv.errorsText(validate.errors));
    if (status.startsWith("2")) problems.push(...queryProblems(ajv, op, path));
    if (requestFile) {
      const body = deref(doc, op.requestBody)?.content?.["application/json"]?.schema;
      const vb = body && compile(ajv, body);
      if (!vb) problems.push("no requestBody schema");
      else if (!vb(JSON.parse(readFileSync(requestFile, "utf8"))))
        problems.push("request: " + ajv.errorsText(vb.errors));
    }
    if (problems.length) {
      console.log(`FAIL ${what} (${template}): ${problems.join("; ")}`);
      failed++;
    } else {
      console.log(`ok ${what} (${template})`);
    }
  }
  process.exit(failed ? 1 : 0);
}

const [cmd, ...args] = process.argv.slice(2);
if (cmd === "doc") await checkDoc(args[0]);
else if (cmd === "answers") checkAnswers(args[0], args[1]);
else {
  console.error("usage: node check.mjs doc FILE | answers FILE MANIFEST");
  process.exit(2);
}
