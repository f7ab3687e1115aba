using GenImage.Core.Operations;

namespace GenImage.Core.Tests.Operations;

public sealed class AzureNamesTests
{
    [Theory]
    [InlineData(AzureNameKind.Gallery, "gal_images")]
    [InlineData(AzureNameKind.Gallery, "gal.images.prod")]
    [InlineData(AzureNameKind.Gallery, "_private_")]
    [InlineData(AzureNameKind.GalleryImageDefinition, "win2022-datacenter-g2")]
    [InlineData(AzureNameKind.GalleryImageDefinition, "Ubuntu_22.04")]
    [InlineData(AzureNameKind.ResourceGroup, "rg-images(prod)")]
    [InlineData(AzureNameKind.GalleryImageVersion, "1.0.0")]
    [InlineData(AzureNameKind.VirtualMachine, "vm-ubuntu2204-src")]
    [InlineData(AzureNameKind.Disk, "giv-1a2b3c4d-osdisk")]
    [InlineData(AzureNameKind.NetworkInterface, "giv-1a2b3c4d-nic")]
    public void Names_Azure_accepts_pass(AzureNameKind kind, string name) => Assert.Null(AzureNames.Problem(kind, name));

    [Theory]
    [InlineData(AzureNameKind.Gallery, "gal-images!")]
    [InlineData(AzureNameKind.Gallery, "gal-images")]
    [InlineData(AzureNameKind.Gallery, ".gal")]
    [InlineData(AzureNameKind.GalleryImageDefinition, "win2022-")]
    [InlineData(AzureNameKind.GalleryImageDefinition, "win 2022")]
    [InlineData(AzureNameKind.ResourceGroup, "rg.")]
    [InlineData(AzureNameKind.ResourceGroup, "rg/images")]
    [InlineData(AzureNameKind.GalleryImageVersion, "01.0.0")]
    [InlineData(AzureNameKind.VirtualMachine, "vm-")]
    [InlineData(AzureNameKind.Disk, "-disk")]
    [InlineData(AzureNameKind.Gallery, "")]
    public void Names_Azure_refuses_are_explained(AzureNameKind kind, string name)
    {
        var problem = AzureNames.Problem(kind, name);
        Assert.NotNull(problem);
    }

    [Fact]
    public void Lengths_are_checked_and_a_long_name_is_shortened_in_the_message()
    {
        Assert.Null(AzureNames.Problem(AzureNameKind.Gallery, new string('g', 80)));
        var problem = AzureNames.Problem(AzureNameKind.Gallery, new string('g', 5000));
        Assert.NotNull(problem);
        Assert.Contains("5000 characters", problem);
        Assert.True(problem!.Length < 400);
        Assert.NotNull(AzureNames.Problem(AzureNameKind.GalleryImageDefinition, new string('d', 81)));
        Assert.NotNull(AzureNames.Problem(AzureNameKind.ResourceGroup, new string('r', 91)));
    }

    [Fact]
    public void A_Windows_VM_name_is_held_to_the_computer_name_limit()
    {
        Assert.Null(AzureNames.Problem(AzureNameKind.VirtualMachine, "giv-1a2b3c4d", "Windows"));
        Assert.NotNull(AzureNames.Problem(AzureNameKind.VirtualMachine, "a-windows-vm-name-too-long", "Windows"));
        Assert.Null(AzureNames.Problem(AzureNameKind.VirtualMachine, "a-linux-vm-name-that-is-long", "Linux"));
    }
}
