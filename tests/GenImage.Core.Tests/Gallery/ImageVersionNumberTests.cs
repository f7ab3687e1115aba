using GenImage.Core.Errors;
using GenImage.Core.Gallery;

namespace GenImage.Core.Tests.Gallery;

public sealed class ImageVersionNumberTests
{
    [Theory]
    [InlineData("1.0.0")]
    [InlineData("0.0.1")]
    [InlineData("2024.11.23")]
    [InlineData("2147483647.2147483647.2147483647")]
    public void Valid_names_parse_and_round_trip(string text)
    {
        Assert.True(ImageVersionNumber.TryParse(text, out var v));
        Assert.Equal(text, v.ToString());
    }

    [Theory]
    [InlineData("1.0")]
    [InlineData("1.0.0.0")]
    [InlineData("1.0.x")]
    [InlineData("-1.0.0")]
    [InlineData("+1.0.0")]
    [InlineData("1..0")]
    [InlineData("2147483648.0.0")]
    [InlineData("v1.0.0")]
    public void Invalid_names_are_refused_with_the_expected_form(string text)
    {
        Assert.False(ImageVersionNumber.TryParse(text, out _));
        var ex = Assert.Throws<GenImageException>(() => ImageVersionNumber.Parse(text));
        Assert.Equal(GalleryErrorIds.InvalidVersionName, ex.ErrorId);
        Assert.Contains("Major.Minor.Patch", ex.Message);
    }

    [Theory]
    [InlineData("01.0.0", "1.0.0")]
    [InlineData("1.00.0", "1.0.0")]
    [InlineData("1.0.007", "1.0.7")]
    public void A_new_name_with_leading_zeros_is_refused_but_an_existing_one_is_read_as_its_number(string text, string number)
    {
        var ex = Assert.Throws<GenImageException>(() => ImageVersionNumber.Parse(text));
        Assert.Equal(GalleryErrorIds.InvalidVersionName, ex.ErrorId);
        Assert.Contains("leading zero", ex.Message);
        Assert.Contains("GI3001", ex.Message);
        Assert.True(ImageVersionNumber.TryParse(text, out var existing));
        Assert.Equal(number, existing.ToString());
        Assert.True(ImageVersionNumber.SameNumber(text, number));
        Assert.Null(ImageVersionNumber.NewNameProblem(number));
    }

    [Fact]
    public void Comparison_is_numeric_not_textual()
    {
        Assert.True(ImageVersionNumber.Parse("1.10.0") > ImageVersionNumber.Parse("1.9.0"));
        Assert.True(ImageVersionNumber.Parse("2.0.0") > ImageVersionNumber.Parse("1.99.99"));
    }

    [Theory]
    [InlineData(VersionIncrement.Patch, "1.10.4")]
    [InlineData(VersionIncrement.Minor, "1.11.0")]
    [InlineData(VersionIncrement.Major, "2.0.0")]
    public void Next_raises_the_highest_existing_version(VersionIncrement part, string expected)
    {
        var next = ImageVersionNumber.Next(new[] { "1.9.7", "1.10.3", "not-a-version", "1.2.0" }, part);

        Assert.Equal(expected, next.ToString());
    }

    [Fact]
    public void Next_without_versions_is_1_0_0_and_overflow_is_an_error()
    {
        Assert.Equal("1.0.0", ImageVersionNumber.Next(Array.Empty<string>(), VersionIncrement.Minor).ToString());
        var ex = Assert.Throws<GenImageException>(() => ImageVersionNumber.Next(new[] { "1.0.2147483647" }, VersionIncrement.Patch));
        Assert.Contains("-Name", ex.Message);
    }
}
