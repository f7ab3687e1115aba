using System;
using System.Collections.Generic;

namespace GenImage
{
    /// <summary>One line of a boot-diagnostics serial log, with its number in the log as downloaded.</summary>
    public sealed class SerialLogLine
    {
        /// <summary>1-based line number in the serial log blob.</summary>
        public int LineNumber { get; set; }
        public string Text { get; set; } = string.Empty;
        /// <summary>The diagnosis id the line belongs to (GI7xxx), when it was matched.</summary>
        public string? SignatureId { get; set; }
        /// <summary>True when the line proves the diagnosis on its own; false for a line of context.</summary>
        public bool IsEvidence { get; set; }
        public override string ToString() => $"{LineNumber,6}: {Text}";
    }
}
