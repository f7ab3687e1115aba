using System.Text.Json.Nodes;
using GenImage.Emulator.State;

namespace GenImage.Emulator.Resources.Galleries;

/// <summary>The 2022-03-03 JSON shapes of galleries, image definitions and image versions.</summary>
internal static class GalleryJson
{
    public const string GalleryType = "Microsoft.Compute/galleries";
    public const string ImageType = "Microsoft.Compute/galleries/images";
    public const string VersionType = "Microsoft.Compute/galleries/images/versions";

    private static JsonObject Envelope(string id, string name, string type, string location, Dictionary<string, string> tags, JsonObject properties)
    {
        var json = new JsonObject { ["id"] = id, ["name"] = name, ["type"] = type, ["location"] = location };
        if (tags.Count > 0)
        {
            json["tags"] = Json.Tags(tags);
        }

        json["properties"] = properties;
        return json;
    }

    public static JsonObject Gallery(GalleryState g, DateTimeOffset now)
    {
        var p = new JsonObject();
        if (g.Description is not null)
        {
            p["description"] = g.Description;
        }

        p["identifier"] = new JsonObject { ["uniqueName"] = g.UniqueName };
        p["provisioningState"] = g.Deleting ? "Deleting" : g.ProvisioningStateAt(now);
        return Envelope(g.ResourceId, g.Name, GalleryType, g.Location, g.Tags, p);
    }

    public static JsonObject Image(GalleryImageState i, DateTimeOffset now)
    {
        var p = new JsonObject();
        if (i.Description is not null)
        {
            p["description"] = i.Description;
        }

        if (i.Eula is not null)
        {
            p["eula"] = i.Eula;
        }

        p["osType"] = i.OsType;
        p["osState"] = i.OsState;
        p["hyperVGeneration"] = i.HyperVGeneration;
        if (i.EndOfLifeDate is not null)
        {
            p["endOfLifeDate"] = i.EndOfLifeDate;
        }

        p["identifier"] = new JsonObject { ["publisher"] = i.Publisher, ["offer"] = i.Offer, ["sku"] = i.Sku };
        if (i.Recommended is not null)
        {
            p["recommended"] = i.Recommended.DeepClone();
        }

        if (i.Disallowed is not null)
        {
            p["disallowed"] = i.Disallowed.DeepClone();
        }

        if (i.PurchasePlan is not null)
        {
            p["purchasePlan"] = i.PurchasePlan.DeepClone();
        }

        if (i.Features.Count > 0)
        {
            var features = new JsonArray();
            foreach (var (name, value) in i.Features)
            {
                features.Add(new JsonObject { ["name"] = name, ["value"] = value });
            }

            p["features"] = features;
        }

        p["architecture"] = i.Architecture;
        p["provisioningState"] = i.Deleting ? "Deleting" : i.ProvisioningStateAt(now);
        return Envelope(i.ResourceId, i.Name, ImageType, i.Location, i.Tags, p);
    }

    public static JsonObject Version(GalleryImageVersionState v, bool replicationStatus, DateTimeOffset now)
    {
        var regions = new JsonArray();
        foreach (var r in v.Regions)
        {
            var region = new JsonObject
            {
                ["name"] = Locations.Display(r.Name),
                ["regionalReplicaCount"] = r.RegionalReplicaCount,
                ["storageAccountType"] = r.StorageAccountType,
            };
            if (r.Encryption is not null)
            {
                region["encryption"] = r.Encryption.DeepClone();
            }

            region["excludeFromLatest"] = r.ExcludeFromLatest;
            regions.Add(region);
        }

        var publishing = new JsonObject
        {
            ["targetRegions"] = regions,
            ["replicaCount"] = v.ReplicaCount,
            ["excludeFromLatest"] = v.ExcludeFromLatest,
            ["publishedDate"] = Json.Time(v.PublishedDate),
        };
        if (v.EndOfLifeDate is not null)
        {
            publishing["endOfLifeDate"] = v.EndOfLifeDate;
        }

        publishing["storageAccountType"] = v.StorageAccountType;
        if (v.ReplicationMode is not null)
        {
            publishing["replicationMode"] = v.ReplicationMode;
        }

        var p = new JsonObject
        {
            ["publishingProfile"] = publishing,
            ["storageProfile"] = new JsonObject
            {
                ["source"] = new JsonObject { ["id"] = v.SourceId },
                // As recorded (2019 and 2021): a version captured from a VM or an image has an empty osDiskImage.source.
                ["osDiskImage"] = new JsonObject { ["sizeInGB"] = v.Lineage.OsDiskSizeGB, ["hostCaching"] = "ReadWrite", ["source"] = new JsonObject() },
                ["dataDiskImages"] = new JsonArray(),
            },
            ["safetyProfile"] = new JsonObject
            {
                ["allowDeletionOfReplicatedLocations"] = v.AllowDeletionOfReplicatedLocations,
                ["blockDeletionBeforeEndOfLife"] = v.BlockDeletionBeforeEndOfLife,
                ["reportedForPolicyViolation"] = false,
            },
        };
        if (replicationStatus)
        {
            var summary = new JsonArray();
            foreach (var r in v.Regions)
            {
                summary.Add(new JsonObject
                {
                    ["region"] = Locations.Display(r.Name),
                    ["state"] = r.StateAt(now),
                    ["details"] = r.DetailsAt(now),
                    ["progress"] = r.ProgressAt(now),
                });
            }

            p["replicationStatus"] = new JsonObject { ["aggregatedState"] = v.AggregatedStateAt(now), ["summary"] = summary };
        }

        p["provisioningState"] = v.ProvisioningStateAt(now);
        return Envelope(v.ResourceId, v.Name, VersionType, v.Location, v.Tags, p);
    }

    public static ImageVersionSnapshot Snapshot(GalleryImageVersionState v, DateTimeOffset now) => new()
    {
        Id = v.ResourceId,
        Name = v.Name,
        Location = v.Location,
        ProvisioningState = v.ProvisioningStateAt(now),
        AggregatedState = v.AggregatedStateAt(now),
        ExcludeFromLatest = v.ExcludeFromLatest,
        SourceId = v.SourceId,
        OsDiskSizeGB = v.Lineage.OsDiskSizeGB,
        PublishedDate = v.PublishedDate,
        Regions = v.Regions.Select(r => new RegionReplicationSnapshot
        {
            Region = r.Name,
            DisplayName = Locations.Display(r.Name),
            State = r.StateAt(now),
            Progress = r.ProgressAt(now),
            Details = r.DetailsAt(now),
            RegionalReplicaCount = r.RegionalReplicaCount,
            StorageAccountType = r.StorageAccountType,
            ExcludeFromLatest = r.ExcludeFromLatest,
        }).ToArray(),
    };
}
