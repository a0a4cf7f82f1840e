// Schema-validates Kubernetes YAML files with kubernetes-models: required fields, types and formats.
// Usage: node validate.mjs FILE...   Prints one line per problem; exit code 1 when any document fails.
import { readFile } from "node:fs/promises";
import yaml from "js-yaml";

let failures = 0;
let checked = 0;

for (const file of process.argv.slice(2)) {
  const text = await readFile(file, "utf8");
  const docs = yaml.loadAll(text).filter((doc) => doc !== null && doc !== undefined);
  for (const [index, doc] of docs.entries()) {
    const where = `${file}#${index} ${doc.kind ?? "?"}/${doc.metadata?.name ?? "?"}`;
    if (typeof doc.apiVersion !== "string" || typeof doc.kind !== "string") {
      console.log(`${where}: apiVersion and kind are required`);
      failures++;
      continue;
    }

    let Model;
    try {
      // apiVersion "apps/v1" is the module path "kubernetes-models/apps/v1"; core "v1" is "kubernetes-models/v1".
      const module = await import(`kubernetes-models/${doc.apiVersion}`);
      Model = module[doc.kind];
    } catch {
      Model = undefined;
    }

    if (Model === undefined) {
      console.log(`${where}: no kubernetes-models schema for ${doc.apiVersion} ${doc.kind}`);
      failures++;
      continue;
    }

    try {
      new Model(doc).validate();
      checked++;
    } catch (error) {
      console.log(`${where}: ${error.message}`);
      failures++;
    }
  }
}

console.log(`validated ${checked} document(s), ${failures} failure(s)`);
process.exit(failures === 0 ? 0 : 1);
