namespace GenImage.Cmdlets.Tests;

/// <summary>
/// A world with one VM per readiness problem the emulator can model, and a gallery with the definitions the
/// rules compare against. Checks only read (the inspection script changes nothing), so a class shares one.
/// </summary>
public sealed class ReadinessWorldFixture : EmulatorFixture
{
    public const string Gallery = "galimages";

    /// <summary>The world file, examples/worlds/readiness.yaml.</summary>
    public const string World = "readiness";

    public ReadinessWorldFixture()
        : base(World)
    {
    }
}
