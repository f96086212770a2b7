// Validates rendered Kubernetes objects (a multi-document YAML on stdin, e.g. `kubectl kustomize`)
// against the Kubernetes API schemas (kubernetes-models) and KEDA's and Strimzi's CRD schemas, offline.
// Exits 1 naming every object that fails, or whose apiVersion/kind has no schema here.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const input = readFileSync(0, "utf8");
const problems = [];
let checked = 0;

async function modelClass(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  const candidates = group === ""
    ? [`kubernetes-models/v1`]
    : [`kubernetes-models/${group}/${version}`, `@kubernetes-models/keda/${group}/${version}`,
      `@kubernetes-models/strimzi-kafka-operator/${group}/${version}`];
  for (const path of candidates) {
    try {
      const module = await import(path);
      if (module[kind]) {
        return module[kind];
      }
    } catch (e) {
      if (e.code !== "ERR_MODULE_NOT_FOUND" && e.code !== "ERR_PACKAGE_PATH_NOT_EXPORTED") {
        throw e;
      }
    }
  }
  return null;
}

for (const document of parseAllDocuments(input)) {
  if (document.errors.length > 0) {
    problems.push(`YAML: ${document.errors.map((e) => e.message).join("; ")}`);
    continue;
  }
  const object = document.toJS();
  if (object == null) {
    continue;
  }
  const name = `${object.apiVersion}/${object.kind} ${object.metadata?.name}`;
  const Model = await modelClass(object.apiVersion, object.kind);
  if (Model == null) {
    problems.push(`${name}: no schema for this apiVersion and kind`);
    continue;
  }
  try {
    new Model(object).validate();
    checked++;
  } catch (e) {
    problems.push(`${name}: ${e.message}`);
  }
}

if (problems.length > 0) {
  console.error(problems.join("\n"));
  process.exit(1);
}
console.log(`${checked} objects valid`);
