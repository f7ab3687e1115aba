namespace GenImage.Core.Gallery;

/// <summary>Fixed Write-Progress activity ids of the publishing cmdlets.</summary>
public static class GalleryProgress
{
    /// <summary>The parent bar of New-GalleryImageVersion.</summary>
    public const int Publish = 4110;
    /// <summary>The child bar of the first target region; region i uses <c>RegionBase + i</c>.</summary>
    public const int RegionBase = 4111;
    /// <summary>How many regions get their own bar (ARM allows far fewer target regions per version in practice).</summary>
    public const int MaxRegionBars = 80;
}
