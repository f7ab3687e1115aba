using GenImage.Cmdlets.Tests.Harness;
using GenImage.Emulator;

namespace GenImage.Cmdlets.Tests;

/// <summary>
/// A world with one VM per readiness problem the emulator can model, and a gallery with the definitions the
/// rules compare against. Checks only read (the inspection script changes nothing), so a class shares one.
/// </summary>
public sealed class ReadinessWorldFixture : EmulatorFixture
{
    public const string Gallery = "galimages";

    public const string Yaml = """
        apiVersion: genimage.dev/emulator/v1
        kind: World
        clock: { scale: 0.0005 }
        subscriptions:
          - id: 00000000-0000-0000-0000-000000000001
            resourceGroups:
              - name: rg-images
                location: westeurope
                galleries:
                  - name: galimages
                    images:
                      - { name: win-tl, osType: Windows, hyperVGeneration: V2, securityType: TrustedLaunch, publisher: gi, offer: win, sku: tl }
                      - { name: win-std, osType: Windows, hyperVGeneration: V2, publisher: gi, offer: win, sku: std }
                      - { name: win-gen1, osType: Windows, hyperVGeneration: V1, publisher: gi, offer: win, sku: gen1 }
                      - { name: win-spec, osType: Windows, osState: Specialized, hyperVGeneration: V2, securityType: TrustedLaunch, publisher: gi, offer: win, sku: spec }
                      - { name: linux, osType: Linux, hyperVGeneration: V2, securityType: TrustedLaunchSupported, publisher: gi, offer: linux, sku: x64 }
                      - { name: linux-spec, osType: Linux, osState: Specialized, hyperVGeneration: V2, securityType: TrustedLaunchSupported, publisher: gi, offer: linux, sku: spec }
                virtualMachines:
                  - { name: vm-good-win, osType: Windows, hyperVGeneration: V2, securityType: TrustedLaunch, size: Standard_D2s_v5, tags: { owner: platform-team } }
                  - { name: vm-good-linux, osType: Linux, hyperVGeneration: V2, size: Standard_D2s_v5, tags: { owner: platform-team } }
                  - name: vm-win-unprepared
                    osType: Windows
                    hyperVGeneration: V2
                    securityType: TrustedLaunch
                    powerState: stopped
                    tags: { owner: platform-team }
                  - { name: vm-win-gen1, osType: Windows, hyperVGeneration: V1, size: Standard_D2s_v3, tags: { owner: platform-team } }
                  - name: vm-win-appx
                    osType: Windows
                    securityType: TrustedLaunch
                    tags: { owner: platform-team }
                    guest: { sysprepBlockers: [ "appx:Microsoft.BingWeather_4.53.0.0_x64__8wekyb3d8bbwe" ] }
                  - name: vm-win-messy
                    osType: Windows
                    securityType: TrustedLaunch
                    tags: { owner: platform-team }
                    guest:
                      sysprepBlockers: [ "bitlocker:C:", "pendingReboot:CBS" ]
                      leftovers: [ pantherUnattend ]
                      dvdRomDisabled: true
                      domain: corp.example.com
                  - name: vm-ubuntu-leftovers
                    osType: Linux
                    tags: { owner: platform-team }
                    guest:
                      cloudInit: true
                      leftovers: [ sshHostKeys, machineId, adminHome, shellHistory, cloudInitState ]
                  - name: vm-ubuntu-noagent
                    osType: Linux
                    tags: { owner: platform-team }
                    guest: { agent: { status: Missing }, cloudInit: false }
                  - { name: vm-win-generalized, osType: Windows, securityType: TrustedLaunch, powerState: deallocated, osState: generalized, tags: { owner: platform-team } }
                  - { name: vm-arm, osType: Linux, size: Standard_D2ps_v5, tags: { owner: platform-team } }
                  - { name: vm-nvme, osType: Linux, size: Standard_D2s_v6, tags: { owner: platform-team } }
                  - { name: vm-bigdisk, osType: Linux, osDisk: { sizeGB: 5000 }, tags: { owner: platform-team } }
                  - { name: vm-ultra, osType: Linux, osDisk: { storageAccountType: UltraSSD_LRS }, tags: { owner: platform-team } }
                  - { name: vm-notag, osType: Linux }
        """;

    public ReadinessWorldFixture()
        : base(new EmulatorOptions { WorldYaml = Yaml })
    {
    }
}
