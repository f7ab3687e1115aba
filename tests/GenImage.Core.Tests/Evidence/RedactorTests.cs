using GenImage.Core.Evidence;

namespace GenImage.Core.Tests.Evidence;

public sealed class RedactorTests
{
    [Theory]
    [InlineData("adminPassword")]
    [InlineData("sasToken")]
    [InlineData("clientSecret")]
    [InlineData("storageAccountKey")]
    [InlineData("connectionString")]
    public void Secret_key_names_are_recognised(string key) => Assert.True(Redactor.IsSecretKey(key));

    [Theory]
    [InlineData("vmName")]
    [InlineData("owner")]
    [InlineData("targetRegions")]
    [InlineData("keepVersions")]
    public void Ordinary_key_names_are_not_secrets(string key) => Assert.False(Redactor.IsSecretKey(key));

    [Theory]
    [InlineData("https://x.blob.core.windows.net/c/b.vhd?sv=2022-11-02&sig=AbCdEf123%3D", "https://x.blob.core.windows.net/c/b.vhd?[REDACTED]")]
    [InlineData("Authorization: Bearer abcdefghijklmnop", "Authorization: Bearer [REDACTED]")]
    [InlineData("AccountName=sa;AccountKey=abc/def==;", "AccountName=sa;AccountKey=[REDACTED];")]
    [InlineData("-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----", "[REDACTED]")]
    public void Redact_masks_the_secret_and_keeps_the_rest(string text, string expected) => Assert.Equal(expected, Redactor.Redact(text));

    [Theory]
    [InlineData("Windows Server 2022 Datacenter, Gen2, Trusted Launch")]
    [InlineData("/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-images/providers/Microsoft.Compute/virtualMachines/vm-win2022-src")]
    [InlineData("westeurope=1=Standard_LRS")]
    [InlineData("https://management.azure.com/subscriptions/x?api-version=2023-07-01")]
    public void Ordinary_text_is_left_alone(string text)
    {
        Assert.Null(Redactor.FindSecretValue(text));
        Assert.Equal(text, Redactor.Redact(text));
    }
}
