// Drives the GenImage ARM emulator with the official JavaScript SDK (@azure/arm-compute, exact version in
// package.json), unmodified and at the api-versions it sends. Started by tests/GenImage.Emulator.Tests/JsClientTests.cs,
// which passes the emulator's endpoint, subscription, tenant and resource names in the environment and trusts the
// emulator's certificate through NODE_EXTRA_CA_CERTS. Prints one JSON document: {"steps":[{step, ok, ...}]}.
import { ComputeManagementClient } from "@azure/arm-compute";

const env = (name) => {
  const value = process.env[name];
  if (!value) {
    throw new Error(`The environment variable ${name} is not set; run this script through JsClientTests.`);
  }
  return value;
};

const endpoint = env("GENIMAGE_EMULATOR_ENDPOINT");
const subscriptionId = env("GENIMAGE_SUBSCRIPTION_ID");
const tenantId = env("GENIMAGE_TENANT_ID");
const resourceGroup = env("GENIMAGE_RESOURCE_GROUP");
const location = env("GENIMAGE_LOCATION");
const sourceVm = env("GENIMAGE_SOURCE_VM");
const replicaLocation = env("GENIMAGE_REPLICA_LOCATION");

// A token shaped like the emulator's own: an unsigned JWT that names the caller. The emulator reads it and never
// verifies it; nothing here prints it.
const base64Url = (value) => Buffer.from(JSON.stringify(value)).toString("base64url");
const credential = {
  async getToken() {
    const expires = Math.floor(Date.now() / 1000) + 3600;
    const claims = {
      aud: "https://management.azure.com/",
      iss: `https://sts.emulator.genimage.local/${tenantId}/`,
      tid: tenantId,
      oid: "5a7e3c1d-0b1e-4c5e-9a1f-6a5c0e1d2b3c",
      upn: "js-client@genimage.example",
      name: "js-client@genimage.example",
      exp: expires,
    };
    return { token: `${base64Url({ alg: "none", typ: "JWT" })}.${base64Url(claims)}.`, expiresOnTimestamp: expires * 1000 };
  },
};

const client = new ComputeManagementClient(credential, subscriptionId, { endpoint });

// Long-running operations poll every 20 ms (the emulator's clock is scaled); everything else is the SDK's default.
const poll = { updateIntervalInMs: 20 };
const gallery = "gal_js";
const definition = "ubuntu-js";
const version = "1.0.0";
const newVm = "vm-js-from-version";
const vmId = (name) => `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Compute/virtualMachines/${name}`;
const powerState = (view) => view?.statuses?.find((s) => s.code?.startsWith("PowerState/"))?.code;
const osState = (view) => view?.statuses?.find((s) => s.code?.startsWith("OSState/"))?.code ?? null;

/** The status code of a GET that is expected to fail (404 after a delete), or 200 when it does not fail. */
async function statusOf(read) {
  try {
    await read();
    return 200;
  } catch (error) {
    return error.statusCode ?? -1;
  }
}

const steps = [];
async function step(name, run) {
  try {
    const detail = await run();
    steps.push({ step: name, ok: true, ...detail });
  } catch (error) {
    steps.push({ step: name, ok: false, error: `${error.name}: ${error.message}`, code: error.code ?? null, statusCode: error.statusCode ?? null });
  }
}

await step("run command", async () => {
  const result = await client.virtualMachines.runCommand(resourceGroup, sourceVm, {
    commandId: "RunShellScript",
    script: ["# genimage-script: prepare-linux/1", "waagent -deprovision+user -force"],
  }, poll).pollUntilDone();
  const stdout = result.value?.find((s) => s.code?.includes("StdOut"))?.message ?? "";
  const line = stdout.split("\n").find((l) => l.startsWith("GENIMAGE-RESULT "));
  return { statuses: result.value?.length ?? 0, script: line ? JSON.parse(line.slice("GENIMAGE-RESULT ".length)) : null };
});

await step("deallocate", async () => {
  await client.virtualMachines.deallocate(resourceGroup, sourceVm, poll).pollUntilDone();
  const view = await client.virtualMachines.instanceView(resourceGroup, sourceVm);
  return { powerState: powerState(view) };
});

await step("generalize", async () => {
  await client.virtualMachines.generalize(resourceGroup, sourceVm);
  const vm = await client.virtualMachines.get(resourceGroup, sourceVm, { expand: "instanceView" });
  return { osState: osState(vm.instanceView) };
});

await step("gallery create", async () => {
  const created = await client.galleries.createOrUpdate(resourceGroup, gallery, { location, description: "Created by @azure/arm-compute" }, poll).pollUntilDone();
  return { name: created.name, provisioningState: created.provisioningState };
});

await step("definition create", async () => {
  const created = await client.galleryImages.createOrUpdate(resourceGroup, gallery, definition, {
    location,
    osType: "Linux",
    osState: "Generalized",
    hyperVGeneration: "V2",
    identifier: { publisher: "GenImage", offer: "js-client", sku: "ubuntu" },
  }, poll).pollUntilDone();
  return { name: created.name, provisioningState: created.provisioningState, osState: created.osState };
});

await step("version create", async () => {
  const created = await client.galleryImageVersions.createOrUpdate(resourceGroup, gallery, definition, version, {
    location,
    publishingProfile: { targetRegions: [{ name: location, regionalReplicaCount: 1 }, { name: replicaLocation, regionalReplicaCount: 1 }] },
    storageProfile: { source: { id: vmId(sourceVm) } },
  }, poll).pollUntilDone();
  return { name: created.name, provisioningState: created.provisioningState, regions: created.publishingProfile?.targetRegions?.map((r) => r.name) ?? [] };
});

await step("version patch", async () => {
  const updated = await client.galleryImageVersions.update(resourceGroup, gallery, definition, version, {
    publishingProfile: { excludeFromLatest: true },
    tags: { stage: "validated" },
  }, poll).pollUntilDone();
  return { provisioningState: updated.provisioningState, excludeFromLatest: updated.publishingProfile?.excludeFromLatest ?? null, tags: updated.tags ?? {} };
});

await step("replication status", async () => {
  const read = await client.galleryImageVersions.get(resourceGroup, gallery, definition, version, { expand: "ReplicationStatus" });
  return {
    aggregatedState: read.replicationStatus?.aggregatedState ?? null,
    regions: read.replicationStatus?.summary?.map((s) => ({ region: s.region, state: s.state, progress: s.progress })) ?? [],
  };
});

await step("vm create from version", async () => {
  const versionId = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Compute/galleries/${gallery}/images/${definition}/versions/${version}`;
  const created = await client.virtualMachines.createOrUpdate(resourceGroup, newVm, {
    location,
    hardwareProfile: { vmSize: "Standard_D2s_v5" },
    storageProfile: {
      imageReference: { id: versionId },
      osDisk: { createOption: "FromImage", managedDisk: { storageAccountType: "Premium_LRS" }, deleteOption: "Delete" },
    },
    osProfile: {
      computerName: "vmjs",
      adminUsername: "azureuser",
      linuxConfiguration: {
        disablePasswordAuthentication: true,
        ssh: { publicKeys: [{ path: "/home/azureuser/.ssh/authorized_keys", keyData: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGenImageJsClientTestKeyOnlyForTheEmulator js-client" }] },
      },
    },
    networkProfile: {
      networkInterfaces: [{ id: `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Network/networkInterfaces/${newVm}-nic`, primary: true }],
    },
    diagnosticsProfile: { bootDiagnostics: { enabled: true } },
  }, poll).pollUntilDone();
  const view = await client.virtualMachines.instanceView(resourceGroup, newVm);
  return {
    provisioningState: created.provisioningState,
    imageReferenceId: created.storageProfile?.imageReference?.id ?? null,
    exactVersion: created.storageProfile?.imageReference?.exactVersion ?? null,
    powerState: powerState(view),
    agent: view.vmAgent?.statuses?.[0]?.displayStatus ?? null,
  };
});

await step("boot diagnostics", async () => {
  const data = await client.virtualMachines.retrieveBootDiagnosticsData(resourceGroup, newVm, { sasUriExpirationTimeInMinutes: 60 });
  // The blob URIs are plain HTTPS with a SAS, on the emulator's endpoint; fetch trusts the same certificate.
  const serial = await fetch(data.serialConsoleLogBlobUri);
  const screenshot = await fetch(data.consoleScreenshotBlobUri);
  const log = await serial.text();
  const bytes = new Uint8Array(await screenshot.arrayBuffer());
  return {
    serialStatus: serial.status,
    serialHasText: log.length > 0,
    serialMentionsAgent: /agent/i.test(log),
    screenshotStatus: screenshot.status,
    screenshotIsBmp: bytes.length > 2 && bytes[0] === 0x42 && bytes[1] === 0x4d,
  };
});

await step("vm delete", async () => {
  await client.virtualMachines.delete(resourceGroup, newVm, poll).pollUntilDone();
  return { afterwards: await statusOf(() => client.virtualMachines.get(resourceGroup, newVm)) };
});

await step("version delete", async () => {
  await client.galleryImageVersions.delete(resourceGroup, gallery, definition, version, poll).pollUntilDone();
  return { afterwards: await statusOf(() => client.galleryImageVersions.get(resourceGroup, gallery, definition, version)) };
});

await step("definition delete", async () => {
  await client.galleryImages.delete(resourceGroup, gallery, definition, poll).pollUntilDone();
  return { afterwards: await statusOf(() => client.galleryImages.get(resourceGroup, gallery, definition)) };
});

await step("gallery delete", async () => {
  await client.galleries.delete(resourceGroup, gallery, poll).pollUntilDone();
  return { afterwards: await statusOf(() => client.galleries.get(resourceGroup, gallery)) };
});

process.stdout.write(JSON.stringify({ steps }) + "\n");
