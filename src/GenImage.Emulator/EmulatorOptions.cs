namespace GenImage.Emulator;

/// <summary>Options for starting an <see cref="EmulatorHost"/>.</summary>
public sealed class EmulatorOptions
{
    /// <summary>TCP port on 127.0.0.1; 0 picks a free port.</summary>
    public int Port { get; set; } = 0;

    /// <summary>Path of a YAML world file. Mutually exclusive with <see cref="WorldYaml"/>.</summary>
    public string? WorldFile { get; set; }

    /// <summary>Inline YAML world. With neither this nor <see cref="WorldFile"/>, the world is empty but for one subscription.</summary>
    public string? WorldYaml { get; set; }

    /// <summary>Overrides the world's <c>clock.scale</c>: Azure seconds multiplied by the scale give real seconds.</summary>
    public double? ClockScale { get; set; }

    /// <summary>
    /// The clock the emulator's scaled time is read from (default: the system clock). A test that replays a recorded
    /// timeline passes a clock it moves itself. Throttling buckets always refill on the real clock.
    /// </summary>
    public TimeProvider? TimeProvider { get; set; }

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
}
