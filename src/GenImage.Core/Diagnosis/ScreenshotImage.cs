using System;
using System.IO;
using System.IO.Compression;
using System.Text;

namespace GenImage.Core.Diagnosis;

/// <summary>
/// The boot-diagnostics screenshot as a PNG. Azure serves the screenshot as a BMP blob (…screenshot.bmp); GenImage
/// saves PNG, which every viewer and Markdown renderer shows. A PNG is kept as it is; an uncompressed 24- or 32-bit
/// BMP is converted.
/// </summary>
public static class ScreenshotImage
{
    private static readonly byte[] PngSignature = { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A };
    private static uint[]? _crcTable;

    public static bool IsPng(byte[] data) => data.Length >= 8 && Starts(data, PngSignature);

    public static bool IsBmp(byte[] data) => data.Length >= 54 && data[0] == (byte)'B' && data[1] == (byte)'M';

    /// <summary>The image as PNG bytes; null when it is neither a PNG nor a BMP GenImage can read.</summary>
    public static byte[]? ToPng(byte[] image)
    {
        if (image == null)
        {
            throw new ArgumentNullException(nameof(image));
        }

        if (IsPng(image))
        {
            return image;
        }

        if (!IsBmp(image))
        {
            return null;
        }

        var offset = BitConverter.ToInt32(image, 10);
        var width = BitConverter.ToInt32(image, 18);
        var height = BitConverter.ToInt32(image, 22);
        int bits = BitConverter.ToInt16(image, 28);
        var compression = BitConverter.ToInt32(image, 30);
        if ((bits != 24 && bits != 32) || (compression != 0 && compression != 3) || width <= 0 || width > 16384 || height == 0 || Math.Abs(height) > 16384)
        {
            return null;
        }

        var topDown = height < 0;
        height = Math.Abs(height);
        var bytesPerPixel = bits / 8;
        var rowSize = ((width * bytesPerPixel) + 3) & ~3;
        if (offset < 0 || (long)offset + ((long)rowSize * height) > image.Length)
        {
            return null;
        }

        var raw = new byte[height * ((width * 3) + 1)];
        for (var y = 0; y < height; y++)
        {
            var source = offset + ((topDown ? y : height - 1 - y) * rowSize);
            var target = y * ((width * 3) + 1);
            raw[target++] = 0; // filter: none
            for (var x = 0; x < width; x++)
            {
                var p = source + (x * bytesPerPixel);
                raw[target++] = image[p + 2];
                raw[target++] = image[p + 1];
                raw[target++] = image[p];
            }
        }

        using var png = new MemoryStream();
        png.Write(PngSignature, 0, PngSignature.Length);
        var header = new byte[13];
        WriteBigEndian(header, 0, (uint)width);
        WriteBigEndian(header, 4, (uint)height);
        header[8] = 8;  // bit depth
        header[9] = 2;  // colour type: RGB
        Chunk(png, "IHDR", header);
        Chunk(png, "IDAT", Zlib(raw));
        Chunk(png, "IEND", Array.Empty<byte>());
        return png.ToArray();
    }

    private static byte[] Zlib(byte[] data)
    {
        using var output = new MemoryStream();
        output.WriteByte(0x78);
        output.WriteByte(0x9C);
        using (var deflate = new DeflateStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            deflate.Write(data, 0, data.Length);
        }
        uint a = 1, b = 0;
        foreach (var x in data)
        {
            a = (a + x) % 65521;
            b = (b + a) % 65521;
        }
        var adler = new byte[4];
        WriteBigEndian(adler, 0, (b << 16) | a);
        output.Write(adler, 0, 4);
        return output.ToArray();
    }

    private static void Chunk(Stream stream, string type, byte[] data)
    {
        var length = new byte[4];
        WriteBigEndian(length, 0, (uint)data.Length);
        stream.Write(length, 0, 4);
        var typeBytes = Encoding.ASCII.GetBytes(type);
        stream.Write(typeBytes, 0, 4);
        stream.Write(data, 0, data.Length);
        var crc = Crc(Crc(0xFFFFFFFFu, typeBytes), data) ^ 0xFFFFFFFFu;
        var crcBytes = new byte[4];
        WriteBigEndian(crcBytes, 0, crc);
        stream.Write(crcBytes, 0, 4);
    }

    private static uint Crc(uint crc, byte[] data)
    {
        var table = _crcTable ??= BuildCrcTable();
        foreach (var b in data)
        {
            crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return crc;
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }
        return table;
    }

    private static void WriteBigEndian(byte[] buffer, int offset, uint value)
    {
        buffer[offset] = (byte)(value >> 24);
        buffer[offset + 1] = (byte)(value >> 16);
        buffer[offset + 2] = (byte)(value >> 8);
        buffer[offset + 3] = (byte)value;
    }

    private static bool Starts(byte[] data, byte[] prefix)
    {
        for (var i = 0; i < prefix.Length; i++)
        {
            if (data[i] != prefix[i])
            {
                return false;
            }
        }

        return true;
    }
}
