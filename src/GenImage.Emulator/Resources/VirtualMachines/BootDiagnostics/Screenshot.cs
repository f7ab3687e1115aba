namespace GenImage.Emulator.Resources.VirtualMachines.BootDiagnostics;

/// <summary>
/// A tiny valid 24-bit BMP standing in for the console screenshot (Azure serves the screenshot as a .bmp blob): blue while
/// fine, dark red when provisioning failed, the colour of the failure's screen when the VM has one.
/// </summary>
internal static class Screenshot
{
    public const int Width = 8;
    public const int Height = 6;

    public static byte[] Bmp(bool failed) => Bmp(failed ? ((byte)0x10, (byte)0x10, (byte)0x80) : ((byte)0xA0, (byte)0x50, (byte)0x00));

    /// <summary>The screen of a VM: the colour its failure shows (a stop error's blue, a Linux console's black, …).</summary>
    public static byte[] Of(VirtualMachineState vm) =>
        vm.BootFailure is { } key ? Bmp(BootFailures.Get(key).Screen) : Bmp(vm.ProvisioningState == "Failed");

    public static byte[] Bmp((byte B, byte G, byte R) colour)
    {
        var rowSize = ((Width * 3) + 3) & ~3;
        var pixelBytes = rowSize * Height;
        var bytes = new byte[54 + pixelBytes];
        bytes[0] = (byte)'B';
        bytes[1] = (byte)'M';
        BitConverter.TryWriteBytes(bytes.AsSpan(2), bytes.Length);
        BitConverter.TryWriteBytes(bytes.AsSpan(10), 54);
        BitConverter.TryWriteBytes(bytes.AsSpan(14), 40);
        BitConverter.TryWriteBytes(bytes.AsSpan(18), Width);
        BitConverter.TryWriteBytes(bytes.AsSpan(22), Height);
        BitConverter.TryWriteBytes(bytes.AsSpan(26), (short)1);
        BitConverter.TryWriteBytes(bytes.AsSpan(28), (short)24);
        BitConverter.TryWriteBytes(bytes.AsSpan(34), pixelBytes);
        var (b, g, r) = colour;
        for (var y = 0; y < Height; y++)
        {
            for (var x = 0; x < Width; x++)
            {
                var i = 54 + (y * rowSize) + (x * 3);
                bytes[i] = b;
                bytes[i + 1] = g;
                bytes[i + 2] = r;
            }
        }

        return bytes;
    }
}
