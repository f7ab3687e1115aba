using System.Security.Cryptography.X509Certificates;

namespace GenImage.Emulator;

/// <summary>Options for starting an <see cref="EmulatorHost"/>.</summary>
public sealed class EmulatorOptions
{
    /// <summary>TCP port on 127.0.0.1; 0 picks a free port.</summary>
    public int Port { get; set; }

    /// <summary>Path of a YAML world file. Mutually exclusive with <see cref="WorldYaml"/>.</summary>
    public string? WorldFile { get; set; }

    /// <summary>Inline YAML world. With neither this nor <see cref="WorldFile"/>, the world is empty but for one subscription.</summary>
    public string? WorldYaml { get; set; }

    /// <summary>Overrides the world's <c>clock.scale</c>: Azure seconds multiplied by the scale give real seconds.</summary>
    public double? ClockScale { get; set; }

    /// <summary>When set, the connection file is written to this path at start and deleted at stop.</summary>
    public string? ConnectionFile { get; set; }

    /// <summary>Overrides the world's <c>throttling</c> section (ARM-style token buckets per subscription).</summary>
    public global::GenImage.Emulator.Throttling.ThrottlingSettings? Throttling { get; set; }

    /// <summary>Overrides the world's <c>rbac.enforce</c>: check the caller's role assignments on every request.</summary>
    public bool? EnforceRbac { get; set; }

    /// <summary>Overrides the world's <c>faults.seed</c>.</summary>
    public int? FaultSeed { get; set; }

    /// <summary>
    /// Persistent mode: the state file to load at start (when it exists, its resources replace the world's) and to save
    /// after each write, periodically and at stop.
    /// </summary>
    public string? StateFile { get; set; }

    /// <summary>
    /// The TLS certificate to serve, with its private key, instead of a new self-signed one made at start (an RSA-2048
    /// key costs a fifth of a second of CPU). The host does not dispose it, so one certificate can serve many hosts in
    /// turn or side by side; make one with <see cref="EmulatorHost.CreateCertificate"/>. Default: a new one per start.
    /// </summary>
    public X509Certificate2? Certificate { get; set; }

    /// <summary>
    /// The clock behind the emulator's scaled time (operation, boot and replication deadlines, SAS expiry, resource
    /// timestamps). Default: the system clock. A test can pass its own and move time on instead of waiting for it.
    /// </summary>
    public TimeProvider? TimeProvider { get; set; }
}
