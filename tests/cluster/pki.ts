/**
 * Test PKI for the local cluster, made with the machine's `openssl`. Every certificate is X.509 v3
 * (Deno's rustls rejects v1 certificates): a CA, the API server's serving certificate for 127.0.0.1 and
 * localhost, an admin client certificate in group system:masters, a service-account signing key pair, the test
 * kubelet's serving certificate for 127.0.0.1 and the API server's client certificate for calls to the kubelet.
 *
 * @module
 */

/** PEM files of the test PKI, by role. */
export interface Pki {
  dir: string;
  caFile: string;
  caKeyFile: string;
  serverCertFile: string;
  serverKeyFile: string;
  adminCertFile: string;
  adminKeyFile: string;
  saKeyFile: string;
  saPubFile: string;
  /** The test kubelet's serving certificate (IP 127.0.0.1, DNS localhost). */
  kubeletCertFile: string;
  kubeletKeyFile: string;
  /** The API server's client certificate towards kubelets (group system:masters). */
  kubeletClientCertFile: string;
  kubeletClientKeyFile: string;
}

/** Runs `openssl` with `args` in `cwd`; rejects with its standard error when it fails. */
export async function openssl(args: string[], cwd: string): Promise<void> {
  const out = await new Deno.Command("openssl", { args, cwd, stdout: "piped", stderr: "piped" }).output();
  if (!out.success) {
    throw new Error(`openssl ${args[0]} failed: ${new TextDecoder().decode(out.stderr).trim()}`);
  }
}

async function signed(
  dir: string,
  name: string,
  subject: string,
  extensions: string,
): Promise<void> {
  await openssl(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", `${name}.key`], dir);
  await openssl(["req", "-new", "-key", `${name}.key`, "-subj", subject, "-out", `${name}.csr`], dir);
  await Deno.writeTextFile(`${dir}/${name}.ext`, extensions);
  await openssl([
    "x509",
    "-req",
    "-in",
    `${name}.csr`,
    "-CA",
    "ca.crt",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-days",
    "30",
    "-sha256",
    "-extfile",
    `${name}.ext`,
    "-out",
    `${name}.crt`,
  ], dir);
}

/** Generates the PKI into `dir` (created if missing). */
export async function generatePki(dir: string): Promise<Pki> {
  await Deno.mkdir(dir, { recursive: true });
  await openssl(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "ca.key"], dir);
  await openssl([
    "req",
    "-x509",
    "-new",
    "-key",
    "ca.key",
    "-subj",
    "/CN=kubeweb-test-ca",
    "-days",
    "30",
    "-sha256",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign,digitalSignature",
    "-addext",
    "subjectKeyIdentifier=hash",
    "-out",
    "ca.crt",
  ], dir);
  await signed(
    dir,
    "server",
    "/CN=kube-apiserver",
    [
      "basicConstraints=critical,CA:FALSE",
      "keyUsage=critical,digitalSignature,keyEncipherment",
      "extendedKeyUsage=serverAuth",
      "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc",
      "authorityKeyIdentifier=keyid",
      "",
    ].join("\n"),
  );
  await signed(
    dir,
    "admin",
    "/O=system:masters/CN=kubeweb-admin",
    [
      "basicConstraints=critical,CA:FALSE",
      "keyUsage=critical,digitalSignature,keyEncipherment",
      "extendedKeyUsage=clientAuth",
      "authorityKeyIdentifier=keyid",
      "",
    ].join("\n"),
  );
  await signed(
    dir,
    "kubelet",
    "/CN=kubeweb-kubelet",
    [
      "basicConstraints=critical,CA:FALSE",
      "keyUsage=critical,digitalSignature,keyEncipherment",
      "extendedKeyUsage=serverAuth",
      "subjectAltName=IP:127.0.0.1,DNS:localhost",
      "authorityKeyIdentifier=keyid",
      "",
    ].join("\n"),
  );
  await signed(
    dir,
    "apiserver-kubelet-client",
    "/O=system:masters/CN=kube-apiserver-kubelet-client",
    [
      "basicConstraints=critical,CA:FALSE",
      "keyUsage=critical,digitalSignature,keyEncipherment",
      "extendedKeyUsage=clientAuth",
      "authorityKeyIdentifier=keyid",
      "",
    ].join("\n"),
  );
  await openssl(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "sa.key"], dir);
  await openssl(["pkey", "-in", "sa.key", "-pubout", "-out", "sa.pub"], dir);
  return {
    dir,
    caFile: `${dir}/ca.crt`,
    caKeyFile: `${dir}/ca.key`,
    serverCertFile: `${dir}/server.crt`,
    serverKeyFile: `${dir}/server.key`,
    adminCertFile: `${dir}/admin.crt`,
    adminKeyFile: `${dir}/admin.key`,
    saKeyFile: `${dir}/sa.key`,
    saPubFile: `${dir}/sa.pub`,
    kubeletCertFile: `${dir}/kubelet.crt`,
    kubeletKeyFile: `${dir}/kubelet.key`,
    kubeletClientCertFile: `${dir}/apiserver-kubelet-client.crt`,
    kubeletClientKeyFile: `${dir}/apiserver-kubelet-client.key`,
  };
}
