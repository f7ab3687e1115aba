using System.Text.RegularExpressions;

namespace GenImage.Core.Readiness;

/// <summary>What a VM size name tells about the hardware, following the Azure size naming convention.</summary>
internal static class VmSizes
{
    // Standard_<family><vCPUs><additive features>[_<accelerator>][_v<version>]
    private static readonly Regex Name = new Regex(
        @"^(?:Standard|Basic)_(?<family>[A-Z]+)(?<cpus>\d+)(?:-\d+)?(?<features>[a-z]*)(?:_(?<accel>[A-Z][A-Za-z0-9]*))?(?:_v(?<version>\d+))?$",
        RegexOptions.CultureInvariant);

    /// <summary>Arm64 sizes carry the 'p' feature letter (Standard_D2ps_v5, Standard_E4pds_v5, Standard_B2pls_v2).</summary>
    public static bool IsArm64(string size)
    {
        var m = Name.Match(size.Trim());
        return m.Success && m.Groups["features"].Value.IndexOf('p') >= 0;
    }

    /// <summary>
    /// Sizes whose disks are only reachable over NVMe: the v6 generation of the general-purpose, memory and
    /// compute families (Standard_D2s_v6, Standard_E4ads_v6, Standard_D2ps_v6).
    /// </summary>
    public static bool IsNvmeOnly(string size)
    {
        var m = Name.Match(size.Trim());
        if (!m.Success || !m.Groups["version"].Success)
        {
            return false;
        }

        var version = int.Parse(m.Groups["version"].Value, System.Globalization.CultureInfo.InvariantCulture);
        var family = m.Groups["family"].Value;
        return version >= 6 && (family == "D" || family == "E" || family == "F");
    }
}
