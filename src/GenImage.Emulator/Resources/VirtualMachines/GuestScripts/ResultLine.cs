using System.Text.Json;
using System.Text.Json.Nodes;

namespace GenImage.Emulator.Resources.VirtualMachines.GuestScripts;

/// <summary>Builds the <c>GENIMAGE-RESULT {json}</c> line every guest script ends its output with.</summary>
internal static class ResultLine
{
    public const string Prefix = "GENIMAGE-RESULT ";

    public static string Build(JsonObject result) => Prefix + result.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
}
