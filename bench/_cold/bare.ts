// Cold start, the bound: one GET with a bare fetch (the credentials as data), then exit.
const t = JSON.parse(Deno.args[0]);
const client = Deno.createHttpClient({ caCerts: [t.caPem], cert: t.certPem, key: t.keyPem });
const res = await fetch(`${t.server}/api/v1/namespaces/${t.namespace}/configmaps/cm-0`, {
  client,
  headers: { accept: "application/json" },
});
const cm = await res.json();
if (cm.metadata.name !== "cm-0") throw new Error("wrong object");
